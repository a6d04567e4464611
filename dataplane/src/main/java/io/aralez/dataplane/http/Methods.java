package io.aralez.dataplane.http;

import io.netty.handler.codec.http.HttpMethod;

/** Request methods compared on the request path. */
public final class Methods {
  private Methods() {}

  /**
   * Whether {@code method} is the known method {@code known}. Decoders hand out Netty's constants
   * ({@code HttpMethod.valueOf}), so identity answers first, and GET, the usual method, is told
   * apart from any other without {@code HttpMethod.equals}, which compares the names as Strings
   * (visible in profiles, bench/README.md). A method made some other way is still compared by name.
   */
  public static boolean is(HttpMethod method, HttpMethod known) {
    return method == known || method != HttpMethod.GET && known.equals(method);
  }
}

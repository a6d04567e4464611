package io.aralez.dataplane.net;

import io.netty.handler.ssl.OpenSsl;
import io.netty.util.internal.PlatformDependent;

/**
 * What the JVM gives Netty: {@code sun.misc.Unsafe} (pooled direct buffers freed eagerly, fast byte
 * access) and the native TLS library. Netty 4.2 turns Unsafe off by default on Java 25+ unless the
 * JVM is started with {@code --sun-misc-unsafe-memory-access=allow}; without it HTTP/2 over TLS
 * measured about a third of its throughput (bench/README.md, "JDK 17 and 25"). bin/aralez passes
 * the flag; this says so when someone starts the jar another way.
 */
public record NativeSupport(String java, boolean unsafe, String unsafeCause, String tls) {

  public static NativeSupport detect() {
    Throwable cause = PlatformDependent.getUnsafeUnavailabilityCause();
    return new NativeSupport(
        Runtime.version().toString(),
        PlatformDependent.hasUnsafe(),
        cause == null ? null : String.valueOf(cause.getMessage()),
        OpenSsl.isAvailable() ? OpenSsl.versionString() : "JDK");
  }

  /** One line for {@code aralez -v} and the start-up log. */
  public String describe(String transport) {
    return "java "
        + java
        + ", netty unsafe: "
        + (unsafe ? "yes" : "no")
        + ", tls: "
        + tls
        + ", transport: "
        + transport;
  }

  /** Why this runtime is slower than it should be and how to fix it, or null when it is not. */
  public String degradedWarning() {
    if (unsafe) {
      return null;
    }
    return "Netty runs without sun.misc.Unsafe ("
        + unsafeCause
        + "): HTTP/2 over TLS is several times slower. On Java 24+ start the JVM with"
        + " --sun-misc-unsafe-memory-access=allow --enable-native-access=ALL-UNNAMED"
        + " (bin/aralez does)";
  }
}

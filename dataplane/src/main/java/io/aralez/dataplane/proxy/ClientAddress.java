package io.aralez.dataplane.proxy;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.net.InetSocketAddress;

/** The peer address of a client connection as text, formatted once per connection. */
final class ClientAddress {
  private static final AttributeKey<String> KEY = AttributeKey.valueOf("aralez.client-ip");

  private ClientAddress() {}

  /**
   * @param stream whether {@code ch} is an HTTP/2 stream: its streams share the connection's
   */
  static String of(Channel ch, boolean stream) {
    if (!stream) {
      return format(ch);
    }
    Channel connection = ch.parent();
    String ip = connection.attr(KEY).get();
    if (ip == null) {
      ip = format(connection);
      connection.attr(KEY).set(ip);
    }
    return ip;
  }

  private static String format(Channel ch) {
    return ch.remoteAddress() instanceof InetSocketAddress isa
        ? isa.getAddress().getHostAddress()
        : "unknown";
  }
}

package io.aralez.dataplane.proxy;

import io.netty.channel.Channel;
import java.net.InetSocketAddress;

/** The peer address of a client connection as text, formatted once per connection. */
final class ClientAddress {
  private ClientAddress() {}

  static String of(Channel ch) {
    return ch.remoteAddress() instanceof InetSocketAddress isa
        ? isa.getAddress().getHostAddress()
        : "unknown";
  }
}

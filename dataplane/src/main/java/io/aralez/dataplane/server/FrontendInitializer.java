package io.aralez.dataplane.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;

/** Composes a plain client connection: detect h2c prior knowledge, else HTTP/1.x. */
final class FrontendInitializer extends ChannelInitializer<Channel> {
  private final Pipelines pipelines;
  private final ClientConnections connections;

  FrontendInitializer(Pipelines pipelines, ClientConnections connections) {
    this.pipelines = pipelines;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    if (!connections.admit(ch)) {
      return;
    }
    ch.pipeline().addLast("detect", new PlainProtocolDetector(pipelines));
  }
}

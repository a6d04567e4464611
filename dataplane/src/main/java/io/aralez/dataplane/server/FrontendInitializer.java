package io.aralez.dataplane.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;

/** Composes a plain client connection: detect h2c prior knowledge, else HTTP/1.x. */
final class FrontendInitializer extends ChannelInitializer<Channel> {
  private final Pipelines pipelines;
  private final ChannelGroup connections;

  FrontendInitializer(Pipelines pipelines, ChannelGroup connections) {
    this.pipelines = pipelines;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch);
    ch.pipeline().addLast("detect", new PlainProtocolDetector(pipelines));
  }
}

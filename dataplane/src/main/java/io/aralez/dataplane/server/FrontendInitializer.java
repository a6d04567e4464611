package io.aralez.dataplane.server;

import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.http.ServerCodec;
import io.aralez.dataplane.proxy.ProxyHandler;
import io.aralez.dataplane.proxy.ProxySettings;
import io.aralez.dataplane.proxy.UpstreamPool;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** Composes the pipeline of a client connection; nothing else. */
final class FrontendInitializer extends ChannelInitializer<Channel> {
  private final MainConfig.Limits limits;
  private final ProxySettings settings;
  private final ConfigHolder holder;
  private final UpstreamPool pool;
  private final ChannelGroup connections;

  FrontendInitializer(
      MainConfig.Limits limits,
      ProxySettings settings,
      ConfigHolder holder,
      UpstreamPool pool,
      ChannelGroup connections) {
    this.limits = limits;
    this.settings = settings;
    this.holder = holder;
    this.pool = pool;
    this.connections = connections;
  }

  @Override
  protected void initChannel(Channel ch) {
    connections.add(ch);
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(limits.maxInitialLine())
            .setMaxHeaderSize(limits.maxHeaderSize())
            .setMaxChunkSize(limits.maxChunkSize())
            .setAllowDuplicateContentLengths(false)
            .setValidateHeaders(true);
    ch.pipeline()
        .addLast(
            "head-timeout",
            new HeadTimeoutHandler(settings.clientKeepalive(), settings.clientHeader()))
        .addLast("http", new ServerCodec(decoder))
        .addLast("proxy", new ProxyHandler(holder, settings, pool));
  }
}

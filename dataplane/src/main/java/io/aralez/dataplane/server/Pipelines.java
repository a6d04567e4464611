package io.aralez.dataplane.server;

import io.aralez.dataplane.admission.RequestServices;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.ProxySettings;
import io.aralez.dataplane.http.ServerCodec;
import io.aralez.dataplane.proxy.ClientHandlers;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.upstream.UpstreamPool;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The protocol stages of a client connection, shared by the plain listener (HTTP/1.1, or h2c with
 * prior knowledge) and the TLS listener (by ALPN). Both end in the same request flows, made by
 * {@link ClientHandlers}: one handler for an HTTP/1.x connection, one for all the streams of an
 * HTTP/2 one, with per-stream flow control as backpressure.
 */
public final class Pipelines {
  private final MainConfig.Limits limits;
  private final MainConfig.Http2Limits h2;
  private final ProxySettings settings;
  private final ClientHandlers handlers;
  private final RequestServices services;

  public Pipelines(
      MainConfig.Limits limits,
      MainConfig.Http2Limits h2,
      ProxySettings settings,
      ConfigHolder holder,
      UpstreamPool pool,
      RequestServices services) {
    this.services = services;
    this.limits = limits;
    this.h2 = h2;
    this.settings = settings;
    this.handlers = new ClientHandlers(holder, settings, pool, services);
  }

  RequestServices services() {
    return services;
  }

  public void installHttp1(ChannelPipeline p) {
    HttpDecoderConfig decoder =
        new HttpDecoderConfig()
            .setMaxInitialLineLength(limits.maxInitialLine())
            .setMaxHeaderSize(limits.maxHeaderSize())
            .setMaxChunkSize(limits.maxChunkSize())
            .setAllowDuplicateContentLengths(false)
            .setValidateHeaders(true);
    // The proxy handler's head deadlines see the raw bytes through the codec (proxy/HeadTimer).
    p.addLast("http", new ServerCodec(decoder)).addLast("proxy", handlers.http1());
  }

  public void installHttp2(ChannelPipeline p) {
    // The connection itself always reads: new streams must be seen while others wait on their
    // upstreams. Backpressure is per stream, through its flow-control window.
    p.channel().config().setAutoRead(true);
    Http2Settings initial =
        Http2Settings.defaultSettings()
            .maxConcurrentStreams(h2.maxConcurrentStreams())
            .initialWindowSize(h2.initialWindowSize())
            .maxFrameSize(h2.maxFrameSize())
            .maxHeaderListSize(limits.maxHeaderSize());
    p.addLast("h2-reset-guard", new ResetGuard(h2.maxResetsPerWindow(), h2.resetWindowSeconds()))
        .addLast(
            "h2",
            Http2FrameCodecBuilder.forServer()
                .initialSettings(initial)
                .validateHeaders(true)
                // A stream without :method, :scheme or :path is reset, never left hanging.
                .validateRequiredPseudoHeaders(true)
                // Rapid reset (CVE-2023-44487): a client that resets streams faster than this
                // loses its connection. The same bound on resets we send (MadeYouReset,
                // CVE-2025-55163): frames that make us reset a stream cost the client its
                // connection too.
                .decoderEnforceMaxRstFramesPerWindow(
                    h2.maxResetsPerWindow(), h2.resetWindowSeconds())
                .encoderEnforceMaxRstFramesPerWindow(
                    h2.maxResetsPerWindow(), h2.resetWindowSeconds())
                .build())
        .addLast("h2-streams", handlers.http2());
  }
}

package io.aralez.dataplane.source.controller;

import java.time.Duration;

/** A snapshot policy's upstream_tls and next_upstream as the data plane's options. Pure. */
final class UpstreamTranslator {
  private UpstreamTranslator() {}

  static io.aralez.dataplane.config.NextUpstream next(io.aralez.api.v1.NextUpstream n) {
    return new io.aralez.dataplane.config.NextUpstream(
        new java.util.HashSet<>(n.getStatusesList()),
        n.getTimeout(),
        n.getError(),
        n.getNonIdempotent(),
        n.getTimeoutMs() == 0 ? null : Duration.ofMillis(n.getTimeoutMs()));
  }

  static io.aralez.dataplane.config.UpstreamTlsSpec tls(io.aralez.api.v1.UpstreamTls t) {
    return new io.aralez.dataplane.config.UpstreamTlsSpec(
        t.getCaPem().isEmpty() ? null : t.getCaPem(),
        t.getCertPem().isEmpty() ? null : t.getCertPem(),
        t.getKeyPem().isEmpty() ? null : t.getKeyPem(),
        t.getVerify(),
        t.getServerName().isEmpty() ? null : t.getServerName(),
        t.getSendServerName(),
        t.getVerifyDepth() == 0 ? 1 : t.getVerifyDepth(),
        t.getCiphersList(),
        t.getProtocolsList());
  }
}

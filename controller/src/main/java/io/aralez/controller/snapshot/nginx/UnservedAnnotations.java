package io.aralez.controller.snapshot.nginx;

import static io.aralez.controller.snapshot.nginx.Catalogue.add;

import io.aralez.controller.snapshot.nginx.Catalogue.Support;

/**
 * The part of {@link Catalogue} Aralez does not program: annotations ignored with a Warning Event,
 * and those that refuse the Ingress because they carry configuration text. Kept apart so the list
 * of what is honoured reads on its own.
 */
final class UnservedAnnotations {
  private UnservedAnnotations() {}

  /** Adds the entries, in the table's order, after the honoured ones. */
  static void register() {
    Support i = Support.IGNORED;
    Support r = Support.REFUSED;
    add(i, "responses are always streamed", "proxy-buffering");
    add(
        i,
        "request bodies are streamed (the body limit still applies while streaming)",
        "proxy-request-buffering");
    add(
        i,
        "memory tuning of nginx",
        "proxy-buffer-size",
        "proxy-buffers-number",
        "proxy-busy-buffers-size",
        "proxy-max-temp-file-size",
        "client-body-buffer-size",
        "limit-rate",
        "limit-rate-after",
        "http2-push-preload",
        "enable-rewrite-log",
        "connection-proxy-header",
        "auth-keepalive",
        "auth-keepalive-requests",
        "auth-keepalive-timeout",
        "auth-keepalive-share-vars",
        "auth-cache-key",
        "auth-cache-duration");
    add(
        i,
        "the TLS listener's ciphers are the data plane's (proxy_tls_grade), shared by every host"
            + " behind one listener, and it always prefers its own order",
        "ssl-ciphers",
        "ssl-prefer-server-ciphers");
    add(
        i,
        "not supported by Aralez; ignored with a Warning Event",
        "enable-opentelemetry",
        "opentelemetry-trust-incoming-span",
        "opentelemetry-operation-name");
    add(
        i,
        "no WAF: traffic is NOT inspected",
        "enable-modsecurity",
        "enable-owasp-core-rules",
        "modsecurity-transaction-id");
    add(
        r,
        "raw nginx configuration cannot be executed by Aralez",
        "configuration-snippet",
        "server-snippet",
        "auth-snippet",
        "modsecurity-snippet",
        "stream-snippet");
    add(r, "FastCGI backends are not supported", "fastcgi-index", "fastcgi-params-configmap");
  }
}

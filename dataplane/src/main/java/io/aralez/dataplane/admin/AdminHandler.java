package io.aralez.dataplane.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.metrics.ProxyMetrics;
import io.aralez.dataplane.policy.JwtCheck;
import io.aralez.dataplane.proxy.LocalResponses;
import io.aralez.dataplane.runtime.ConfigHolder;
import io.aralez.dataplane.source.file.UpstreamsParser;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API: status, metrics, health; with the master key, config push ({@code POST /conf}) and
 * token issuing ({@code POST /jwt}). Runs on the admin event loop; file writes for {@code ?save}
 * are small and happen there, never on the proxy's loops.
 */
final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(AdminHandler.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_TOKEN_MINUTES = 60L * 24 * 366;

  private final MainConfig config;
  private final ConfigHolder holder;
  private final ProxyMetrics metrics;
  private final KeyFailures failures;
  private final boolean controllerMode;

  /**
   * @param controllerMode the config comes from the controller: a push would be overwritten by its
   *     next snapshot and diverge from the cluster meanwhile, so it is refused
   */
  AdminHandler(
      MainConfig config,
      ConfigHolder holder,
      ProxyMetrics metrics,
      KeyFailures failures,
      boolean controllerMode) {
    this.config = config;
    this.holder = holder;
    this.metrics = metrics;
    this.failures = failures;
    this.controllerMode = controllerMode;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (req.decoderResult().isFailure()) {
      send(ctx, req, LocalResponses.status(ctx.alloc(), HttpResponseStatus.BAD_REQUEST));
      return;
    }
    QueryStringDecoder q = new QueryStringDecoder(req.uri());
    boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
    boolean post = req.method().equals(HttpMethod.POST);
    FullHttpResponse res =
        switch (q.path()) {
          case "/status" -> get ? status(ctx, q) : notAllowed(ctx, "GET, HEAD");
          case "/metrics" -> get ? metrics(ctx) : notAllowed(ctx, "GET, HEAD");
          case "/healthz" ->
              get ? text(ctx, HttpResponseStatus.OK, "ok\n") : notAllowed(ctx, "GET, HEAD");
          case "/readyz" ->
              !get
                  ? notAllowed(ctx, "GET, HEAD")
                  : holder.loaded()
                      ? text(ctx, HttpResponseStatus.OK, "ready\n")
                      : text(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "no config loaded yet\n");
          case "/conf" -> post ? conf(ctx, req, q) : notAllowed(ctx, "POST");
          case "/jwt" -> post ? jwt(ctx, req) : notAllowed(ctx, "POST");
          default -> LocalResponses.status(ctx.alloc(), HttpResponseStatus.NOT_FOUND);
        };
    long delay = failures.delayMillis(peer(ctx));
    if (delay > 0 && (q.path().equals("/conf") || q.path().equals("/jwt"))) {
      ctx.executor().schedule(() -> send(ctx, req, res), delay, TimeUnit.MILLISECONDS);
      return;
    }
    send(ctx, req, res);
  }

  private FullHttpResponse conf(
      ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
    if (!config.configApiEnabled()) {
      return text(
          ctx,
          HttpResponseStatus.FORBIDDEN,
          "the config API is disabled (config_api_enabled: false)\n");
    }
    if (controllerMode) {
      return text(
          ctx,
          HttpResponseStatus.CONFLICT,
          "the config comes from the controller (provider: kubernetes); change the cluster instead\n");
    }
    String key = req.headers().get("X-Aralez-Key");
    if (key == null && q.parameters().containsKey("key")) {
      key = q.parameters().get("key").get(0);
    }
    if (!keyMatches(ctx, key)) {
      return text(ctx, HttpResponseStatus.UNAUTHORIZED, "a valid X-Aralez-Key is required\n");
    }
    String body = req.content().toString(StandardCharsets.UTF_8);
    Problems problems = new Problems();
    ProxyConfig parsed;
    try {
      parsed =
          UpstreamsParser.parse(
              new UpstreamsParser.Source("POST /conf", body),
              List.of(),
              "push-" + hash(body),
              problems);
    } catch (ConfigException e) {
      holder.reject("POST /conf from " + peer(ctx), e.getMessage());
      return text(ctx, HttpResponseStatus.BAD_REQUEST, e.getMessage() + "\n");
    }
    if (q.parameters().containsKey("save") && !"false".equals(q.parameters().get("save").get(0))) {
      try {
        save(config.upstreamsConf(), body);
      } catch (IOException e) {
        LOG.error("POST /conf: cannot save {}: {}", config.upstreamsConf(), e.toString());
        return text(
            ctx,
            HttpResponseStatus.INTERNAL_SERVER_ERROR,
            "valid, but could not be saved; nothing changed\n");
      }
    }
    holder.apply(parsed);
    StringBuilder out = new StringBuilder("applied\n");
    problems.warnings().forEach(w -> out.append("warning: ").append(w).append('\n'));
    return text(ctx, HttpResponseStatus.OK, out.toString());
  }

  private FullHttpResponse jwt(ChannelHandlerContext ctx, FullHttpRequest req) {
    JsonNode json;
    try {
      json = JSON.readTree(req.content().toString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      return json(ctx, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"the body must be JSON\"}\n");
    }
    if (json == null || !json.isObject()) {
      return json(
          ctx, HttpResponseStatus.BAD_REQUEST, "{\"error\":\"the body must be a JSON object\"}\n");
    }
    if (!keyMatches(ctx, json.path("master_key").asText(null))) {
      return json(ctx, HttpResponseStatus.FORBIDDEN, "{\"token\":\"Unauthorised\"}\n");
    }
    JsonNode valid = json.has("valid") ? json.get("valid") : json.get("exp");
    if (valid == null
        || !valid.canConvertToLong()
        || valid.asLong() < 1
        || valid.asLong() > MAX_TOKEN_MINUTES) {
      return json(
          ctx,
          HttpResponseStatus.BAD_REQUEST,
          "{\"error\":\"valid (minutes, 1 or more) is required\"}\n");
    }
    String token =
        JwtCheck.issue(config.masterKey(), json.path("owner").asText(""), valid.asLong());
    return json(ctx, HttpResponseStatus.CREATED, "{\"token\":" + Json.quote(token) + "}\n");
  }

  /** Constant-time check against master_key; counts failures per address to slow down guessing. */
  private boolean keyMatches(ChannelHandlerContext ctx, String key) {
    String master = config.masterKey();
    boolean ok =
        master != null
            && key != null
            && MessageDigest.isEqual(
                key.getBytes(StandardCharsets.UTF_8), master.getBytes(StandardCharsets.UTF_8));
    if (ok) {
      failures.succeeded(peer(ctx));
    } else {
      failures.failed(peer(ctx));
      LOG.warn("admin API: wrong or missing master key from {}", peer(ctx));
    }
    return ok;
  }

  /** temp file + rename, so a reader never sees half a file. */
  private static void save(Path target, String body) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".upstreams", ".tmp");
    try {
      Files.writeString(tmp, body, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private FullHttpResponse status(ChannelHandlerContext ctx, QueryStringDecoder q) {
    StatusReport.View view =
        q.parameters().containsKey("live")
            ? StatusReport.View.LIVE
            : q.parameters().containsKey("all") ? StatusReport.View.ALL : StatusReport.View.FULL;
    return json(ctx, HttpResponseStatus.OK, StatusReport.render(holder.current(), view));
  }

  private FullHttpResponse metrics(ChannelHandlerContext ctx) {
    FullHttpResponse res = text(ctx, HttpResponseStatus.OK, metrics.scrape());
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
    return res;
  }

  private static FullHttpResponse text(
      ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
    return LocalResponses.text(ctx.alloc(), status, body);
  }

  private static FullHttpResponse json(
      ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
    FullHttpResponse res = LocalResponses.text(ctx.alloc(), status, body);
    res.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
    return res;
  }

  private static FullHttpResponse notAllowed(ChannelHandlerContext ctx, String allow) {
    FullHttpResponse res =
        LocalResponses.status(ctx.alloc(), HttpResponseStatus.METHOD_NOT_ALLOWED);
    res.headers().set(HttpHeaderNames.ALLOW, allow);
    return res;
  }

  private static String peer(ChannelHandlerContext ctx) {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a
        ? a.getAddress().getHostAddress()
        : "unknown";
  }

  private static String hash(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)),
              0,
              8);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
    HttpUtil.setKeepAlive(res, HttpUtil.isKeepAlive(req));
    if (req.method().equals(HttpMethod.HEAD)) {
      res.content().clear();
    }
    ctx.writeAndFlush(res);
  }
}

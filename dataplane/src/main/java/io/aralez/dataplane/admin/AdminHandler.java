package io.aralez.dataplane.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.policy.JwtCheck;
import io.aralez.dataplane.proxy.LocalResponses;
import io.aralez.dataplane.source.api.ApiPushSource;
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
import java.security.MessageDigest;
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

  private final AdminContext context;
  private final MainConfig config;
  private final KeyFailures failures;
  private final AcmeEndpoints acme;

  AdminHandler(AdminContext context, KeyFailures failures) {
    this.context = context;
    this.config = context.config();
    this.failures = failures;
    this.acme = new AcmeEndpoints(context);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
    if (req.decoderResult().isFailure()) {
      send(ctx, req, LocalResponses.status(ctx.alloc(), HttpResponseStatus.BAD_REQUEST));
      return;
    }
    QueryStringDecoder q = new QueryStringDecoder(req.uri());
    if (AcmeEndpoints.handles(q.path())) {
      acme(ctx, req, q);
      return;
    }
    boolean get = req.method().equals(HttpMethod.GET) || req.method().equals(HttpMethod.HEAD);
    boolean post = req.method().equals(HttpMethod.POST);
    FullHttpResponse res =
        switch (q.path()) {
          case "/status" -> get ? status(ctx, q) : notAllowed(ctx, "GET, HEAD");
          case "/metrics" -> get ? metrics(ctx) : notAllowed(ctx, "GET, HEAD");
          case "/healthz" ->
              get ? text(ctx, HttpResponseStatus.OK, "ok\n") : notAllowed(ctx, "GET, HEAD");
          case "/readyz" -> get ? readyz(ctx) : notAllowed(ctx, "GET, HEAD");
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

  private void acme(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
    if (q.path().startsWith(AcmeEndpoints.CHALLENGE)) {
      send(ctx, req, acme.challenge(ctx.alloc(), q.path()));
      return;
    }
    boolean keepAlive = HttpUtil.isKeepAlive(req);
    boolean head = req.method().equals(HttpMethod.HEAD);
    long delay = failures.delayMillis(peer(ctx));
    if (!keyMatches(ctx, key(req, q))) {
      FullHttpResponse res =
          text(ctx, HttpResponseStatus.UNAUTHORIZED, "a valid X-Aralez-Key is required\n");
      ctx.executor().schedule(() -> send(ctx, keepAlive, head, res), delay, TimeUnit.MILLISECONDS);
      return;
    }
    acme.act(ctx.alloc(), q.path())
        .whenComplete((res, e) -> ctx.executor().execute(() -> send(ctx, keepAlive, head, res)));
  }

  private static String key(FullHttpRequest req, QueryStringDecoder q) {
    String key = req.headers().get("X-Aralez-Key");
    if (key == null && q.parameters().containsKey("key")) {
      key = q.parameters().get("key").get(0);
    }
    return key;
  }

  private FullHttpResponse conf(
      ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder q) {
    if (!config.configApiEnabled()) {
      return text(
          ctx,
          HttpResponseStatus.FORBIDDEN,
          "the config API is disabled (config_api_enabled: false)\n");
    }
    if (context.push() == null) {
      return text(ctx, HttpResponseStatus.CONFLICT, context.pushRefusal() + "\n");
    }
    if (!keyMatches(ctx, key(req, q))) {
      return text(ctx, HttpResponseStatus.UNAUTHORIZED, "a valid X-Aralez-Key is required\n");
    }
    boolean save =
        q.parameters().containsKey("save") && !"false".equals(q.parameters().get("save").get(0));
    ApiPushSource.Result result =
        context.push().push(req.content().toString(StandardCharsets.UTF_8), peer(ctx), save);
    if (result.notSaved()) {
      return text(ctx, HttpResponseStatus.INTERNAL_SERVER_ERROR, result.outcome().reason() + "\n");
    }
    if (!result.outcome().accepted()) {
      return text(ctx, HttpResponseStatus.BAD_REQUEST, result.outcome().reason() + "\n");
    }
    StringBuilder out = new StringBuilder("applied\n");
    result.warnings().forEach(w -> out.append("warning: ").append(w).append('\n'));
    return text(ctx, HttpResponseStatus.OK, out.toString());
  }

  /** Ready once a config serves; a failing discovery is reported but keeps the last good one. */
  private FullHttpResponse readyz(ChannelHandlerContext ctx) {
    if (!context.intake().holder().loaded()) {
      return text(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "no config loaded yet\n");
    }
    StringBuilder b = new StringBuilder("ready\n");
    if (context.discovery() != null && !context.discovery().state().ok()) {
      var s = context.discovery().state();
      b.append(s.provider())
          .append(" discovery failing since ")
          .append(s.since())
          .append(" (")
          .append(s.reason())
          .append("): serving the last good backends\n");
    }
    return text(ctx, HttpResponseStatus.OK, b.toString());
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

  private FullHttpResponse status(ChannelHandlerContext ctx, QueryStringDecoder q) {
    StatusReport.View view =
        q.parameters().containsKey("live")
            ? StatusReport.View.LIVE
            : q.parameters().containsKey("all") ? StatusReport.View.ALL : StatusReport.View.FULL;
    if (q.parameters().containsKey("sources")) {
      return json(ctx, HttpResponseStatus.OK, SourcesReport.render(context));
    }
    return json(
        ctx, HttpResponseStatus.OK, StatusReport.render(context.intake().holder().current(), view));
  }

  private FullHttpResponse metrics(ChannelHandlerContext ctx) {
    FullHttpResponse res = text(ctx, HttpResponseStatus.OK, context.metrics().scrape());
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

  private static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse res) {
    send(ctx, HttpUtil.isKeepAlive(req), req.method().equals(HttpMethod.HEAD), res);
  }

  private static void send(
      ChannelHandlerContext ctx, boolean keepAlive, boolean head, FullHttpResponse res) {
    HttpUtil.setKeepAlive(res, keepAlive);
    if (head) {
      res.content().clear();
    }
    ctx.writeAndFlush(res);
  }
}

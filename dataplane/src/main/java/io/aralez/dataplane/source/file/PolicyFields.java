package io.aralez.dataplane.source.file;

import io.aralez.common.values.HeaderRules;
import io.aralez.common.values.HttpUrls;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.config.yaml.YamlMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The policy fields a level of upstreams.yaml (global, host, path, discovered service) may set:
 * headers, limits, redirects, authorization, sticky sessions. Each reports its problems at the
 * file, line and key it was written on.
 */
public final class PolicyFields {
  private PolicyFields() {}

  /** An absolute http(s) URL prefix without its trailing slash, or null when not set. */
  public static String redirect(YamlMap p) {
    Optional<String> text = p.string("redirect_to");
    if (text.isEmpty()) {
      return null;
    }
    String v = text.get().trim();
    if (HttpUrls.absolute(v)) {
      return HttpUrls.withoutTrailingSlash(v);
    }
    p.error("redirect_to", "'" + v + "' is not an absolute http:// or https:// URL");
    return null;
  }

  static StickySessions sticky(YamlMap y) {
    Optional<YamlMap.Scalar> s = y.scalar("sticky_sessions");
    if (s.isEmpty()) {
      return StickySessions.OFF;
    }
    String v = s.get().value().trim().toLowerCase(Locale.ROOT);
    if (v.equals("false") || v.equals("no") || v.equals("off")) {
      return StickySessions.OFF;
    }
    if (v.equals("true") || v.equals("yes") || v.equals("on")) {
      return new StickySessions(true, null);
    }
    try {
      long seconds = Long.parseLong(v);
      if (seconds >= 1 && seconds <= 10L * 365 * 86400) {
        return new StickySessions(true, seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    y.error(
        "sticky_sessions",
        "expected a cookie lifetime in seconds (1 or more), true or false; got '"
            + s.get().value()
            + "'");
    return StickySessions.OFF;
  }

  /** A per-second limit, or null when not set. */
  public static Long limit(YamlMap y, String key) {
    var v = y.integer(key, 1, 1_000_000_000L);
    return v.isPresent() ? v.getAsLong() : null;
  }

  /** A list of "Name:Value" headers, each checked by the rule every config meets. */
  public static List<Header> headers(YamlMap y, String key) {
    List<Header> out = new ArrayList<>();
    for (YamlMap.Scalar s : y.stringList(key).orElse(List.of())) {
      String text = s.value();
      int colon = text.indexOf(':');
      String where = y.qualify(key) + ": '" + text + "'";
      if (colon <= 0) {
        y.problems().error(y.file(), s.line(), where + " is not Name:Value");
        continue;
      }
      String name = text.substring(0, colon).trim();
      String value = text.substring(colon + 1).trim();
      String problem = HeaderRules.problem(name, value, true);
      if (problem != null) {
        y.problems().error(y.file(), s.line(), where + ": " + problem);
      } else {
        out.add(new Header(name, value));
      }
    }
    return out;
  }

  /** Inherited headers, with any header named again at the more specific level replaced. */
  public static List<Header> merge(List<Header> inherited, List<Header> own) {
    if (own.isEmpty()) {
      return inherited;
    }
    List<Header> out = new ArrayList<>();
    for (Header h : inherited) {
      if (own.stream().noneMatch(o -> o.name().equalsIgnoreCase(h.name()))) {
        out.add(h);
      }
    }
    out.addAll(own);
    return out;
  }

  static Optional<AuthPolicy> auth(YamlMap y) {
    Optional<YamlMap> a = y.map("authorization");
    if (a.isEmpty()) {
      return Optional.empty();
    }
    YamlMap m = a.get();
    m.warnUnknown(Set.of("type", "data"));
    String typeText = m.string("type").orElse("").trim().toLowerCase(Locale.ROOT);
    AuthPolicy.Type type;
    switch (typeText) {
      case "none" -> type = AuthPolicy.Type.NONE;
      case "basic" -> type = AuthPolicy.Type.BASIC;
      case "apikey" -> type = AuthPolicy.Type.APIKEY;
      case "jwt" -> type = AuthPolicy.Type.JWT;
      case "forward" -> type = AuthPolicy.Type.FORWARD;
      default -> {
        m.error("type", "'" + typeText + "' is not one of basic, apikey, jwt, forward, none");
        return Optional.empty();
      }
    }
    List<String> data = new ArrayList<>();
    m.stringList("data").ifPresent(list -> list.forEach(s -> data.add(s.value())));
    switch (type) {
      case BASIC -> {
        if (data.isEmpty() || data.stream().anyMatch(d -> d.indexOf(':') <= 0)) {
          m.error("data", "basic authorization needs user:password entries");
        }
      }
      case APIKEY -> {
        if (data.size() != 1 || data.get(0).isEmpty()) {
          m.error("data", "apikey authorization needs the key");
        }
      }
      case FORWARD -> {
        if (data.size() != 1 || !data.get(0).matches("(?i)https?://[^/\\s]+(/\\S*)?")) {
          m.error("data", "forward authorization needs the auth URL (http:// or https://)");
        }
      }
      default -> {}
    }
    return Optional.of(new AuthPolicy(type, data));
  }
}

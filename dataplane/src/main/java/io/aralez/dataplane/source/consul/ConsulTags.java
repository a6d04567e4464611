package io.aralez.dataplane.source.consul;

import io.aralez.common.values.HeaderRules;
import io.aralez.common.values.HttpUrls;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.request.Paths;
import io.aralez.dataplane.source.discovery.ServiceSpec;
import io.aralez.dataplane.source.discovery.ServiceSpecs;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Consul tag auto-discovery: a service tagged {@code aralez.service=yes} routes itself by its other
 * {@code aralez.*} tags. Pure. A bad value leaves that service out with a warning; an unknown
 * {@code aralez.*} tag is a warning only.
 */
public final class ConsulTags {
  /** The tag that opts a service in, and the catalog filter that finds such services. */
  public static final String OPT_IN = "aralez.service=yes";

  public static final String FILTER = "\"" + OPT_IN + "\" in ServiceTags";
  private static final long MAX_RATE = 1_000_000_000L;

  private ConsulTags() {}

  /** The route a tagged service asks for, or empty (with a warning) when it cannot be routed. */
  public static Optional<ServiceSpec> parse(
      String service, List<String> tags, List<String> warnings) {
    String where = "consul service " + service;
    if (!tags.contains(OPT_IN)) {
      return Optional.empty();
    }
    if (!ServiceSpecs.validName(service)) {
      warnings.add(where + ": not a usable service name; left out");
      return Optional.empty();
    }
    String host = null;
    String path = "/";
    Long rate = null;
    Long x4xx = null;
    Boolean toHttps = null;
    String redirect = null;
    List<Header> client = new ArrayList<>();
    List<Header> server = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (String tag : tags) {
      if (!tag.startsWith("aralez.") || tag.equals(OPT_IN)) {
        continue;
      }
      int eq = tag.indexOf('=');
      String key = eq < 0 ? tag : tag.substring(0, eq);
      String value = eq < 0 ? "" : tag.substring(eq + 1).trim();
      switch (key) {
        case "aralez.host" -> host = ServiceSpecs.host(value);
        case "aralez.path" -> path = value;
        case "aralez.rate" -> rate = positive(value, key, problems);
        case "aralez.4xx_rate" -> x4xx = positive(value, key, problems);
        case "aralez.to_https" -> toHttps = bool(value, key, problems);
        case "aralez.redirect" -> redirect = url(value, problems);
        case "aralez.client_header" -> header(value, key, client, problems);
        case "aralez.server_header" -> header(value, key, server, problems);
        default -> warnings.add(where + ": unknown tag " + key + ", ignored");
      }
    }
    if (host == null) {
      problems.add("aralez.host is missing or not a host name");
    }
    String prefix = Paths.normalizePrefix(path);
    if (prefix == null) {
      problems.add("aralez.path '" + path + "' is not a path prefix");
    }
    if (!problems.isEmpty()) {
      warnings.add(where + ": " + String.join("; ", problems) + "; left out");
      return Optional.empty();
    }
    return Optional.of(
        new ServiceSpec(
            host, prefix, service, server, client, rate, x4xx, toHttps, redirect, where));
  }

  private static Long positive(String v, String key, List<String> problems) {
    try {
      long n = Long.parseLong(v);
      if (n >= 1 && n <= MAX_RATE) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(key + "='" + v + "' is not a whole number from 1 to " + MAX_RATE);
    return null;
  }

  private static Boolean bool(String v, String key, List<String> problems) {
    return switch (v.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1" -> true;
      case "false", "no", "0" -> false;
      default -> {
        problems.add(key + "='" + v + "' is not true or false");
        yield null;
      }
    };
  }

  private static String url(String v, List<String> problems) {
    if (HttpUrls.absolute(v)) {
      return HttpUrls.withoutTrailingSlash(v);
    }
    problems.add("aralez.redirect='" + v + "' is not an absolute http(s) URL");
    return null;
  }

  private static void header(String v, String key, List<Header> into, List<String> problems) {
    int colon = v.indexOf(':');
    if (colon <= 0) {
      problems.add(key + "='" + v + "' is not Name:Value");
      return;
    }
    String name = v.substring(0, colon).trim();
    String value = v.substring(colon + 1).trim();
    String problem = HeaderRules.problem(name, value, true);
    if (problem != null) {
      problems.add(key + ": " + problem);
    } else {
      into.add(new Header(name, value));
    }
  }
}

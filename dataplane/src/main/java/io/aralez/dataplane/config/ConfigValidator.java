package io.aralez.dataplane.config;

import io.aralez.common.values.ConfigPaths;
import io.aralez.common.values.HeaderRules;
import io.aralez.common.values.HostNames;
import io.aralez.common.values.HttpUrls;
import io.aralez.dataplane.config.ProxyConfig.AuthPolicy;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Header;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.TlsCertificate;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The rules every config must meet before it may serve, whichever source produced it. Sources
 * translate (and report what they cannot translate); this decides whether the model is safe for the
 * proxy to enforce as written. Pure: a model in, a list of problems out.
 */
public final class ConfigValidator {
  private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);
  private static final int MAX_CONNECT_ATTEMPTS = 5;

  private ConfigValidator() {}

  /**
   * Every problem of {@code config}; empty when it may be applied.
   *
   * @param hostHeaderAllowed whether routes may set the upstream {@code Host} (an operator's file
   *     may; a cluster object may not, since the Host selects the route)
   */
  public static List<String> problems(ProxyConfig config, boolean hostHeaderAllowed) {
    List<String> out = new ArrayList<>();
    Set<String> hostNames = new HashSet<>();
    for (VirtualHost vh : config.hosts()) {
      String name = vh.name();
      if (!name.equals(ProxyConfig.DEFAULT_HOST)
          && !name.equals(HostNames.normalizeConfigured(name))) {
        out.add("host '" + name + "' is not a lower-case host name, *.suffix, IP or DEFAULT");
        continue;
      }
      if (!hostNames.add(name)) {
        out.add("host " + name + " is defined twice");
        continue;
      }
      Set<String> ids = new HashSet<>();
      for (Route r : vh.routes()) {
        String where = "host " + name + " path " + r.path();
        if (!r.host().equals(name)) {
          out.add(where + ": the route belongs to host " + r.host());
        }
        if (!ids.add(r.id())) {
          out.add(where + ": two routes match the same requests (" + r.id() + ")");
        }
        route(where, r, hostHeaderAllowed, out);
      }
    }
    for (TlsCertificate c : config.certificates()) {
      for (String n : c.serverNames()) {
        if (!n.equals(HostNames.normalizeConfigured(n))) {
          out.add("certificate " + c.name() + ": '" + n + "' is not a lower-case host name");
        }
      }
    }
    Set<String> passed = new HashSet<>();
    for (ProxyConfig.Passthrough p : config.passthrough()) {
      // SNI is compared exactly: a wildcard or the catch-all could never be asked for.
      if (p.host().startsWith("*.") || !p.host().equals(HostNames.normalizeConfigured(p.host()))) {
        out.add("passthrough '" + p.host() + "' is not an exact lower-case host name");
      } else if (!passed.add(p.host())) {
        out.add("passthrough " + p.host() + " is defined twice");
      }
    }
    return out;
  }

  private static void route(String where, Route r, boolean hostAllowed, List<String> out) {
    String pathProblem = r.match().regex() != null ? null : ConfigPaths.problem(r.path());
    if (pathProblem != null) {
      out.add(where + ": " + pathProblem);
    } else if (!r.match().exact()
        && r.match().regex() == null
        && r.path().length() > 1
        && r.path().endsWith("/")) {
      out.add(where + ": a prefix has no trailing slash");
    }
    for (Header h : r.match().headers()) {
      if (!HeaderRules.validName(h.name())) {
        out.add(where + ": '" + h.name() + "' is not a header name to match on");
      }
    }
    for (Header c : r.match().cookies()) {
      if (!HeaderRules.validName(c.name())) {
        out.add(where + ": '" + c.name() + "' is not a cookie name to match on");
      }
    }
    if (r.match().method() != null && !HeaderRules.validName(r.match().method())) {
      out.add(where + ": '" + r.match().method() + "' is not a method");
    }
    headers(where, r.serverHeaders(), hostAllowed, out);
    headers(where, r.clientHeaders(), hostAllowed, out);
    if (r.redirectTo() != null && !HttpUrls.absolute(r.redirectTo())) {
      out.add(where + ": redirect '" + r.redirectTo() + "' is not an absolute http(s) URL");
    }
    if (!REDIRECT_CODES.contains(r.redirectCode())) {
      out.add(where + ": redirect code " + r.redirectCode() + " is not 301, 302, 303, 307 or 308");
    }
    if (r.directStatus() != null && (r.directStatus() < 400 || r.directStatus() > 599)) {
      out.add(where + ": direct status " + r.directStatus() + " is not an error status");
    }
    if (r.rateLimit() != null && r.rateLimit() < 1 || r.x4xxLimit() != null && r.x4xxLimit() < 1) {
      out.add(where + ": a rate limit must be 1 or more per second");
    }
    int attempts = r.upstream().connectAttempts();
    if (attempts < 1 || attempts > MAX_CONNECT_ATTEMPTS) {
      out.add(where + ": connect attempts " + attempts + " is not 1 to " + MAX_CONNECT_ATTEMPTS);
    }
    for (Backend b : r.backends()) {
      if (b.weight() < 0) {
        out.add(where + ": backend " + b.address() + " has a negative weight");
      }
    }
    auth(where, r.auth(), out);
    RouteRulesCheck.check(where, r, out);
    if (r.upstream().tls() != null) {
      String p = r.upstream().tls().problem();
      if (p != null) {
        out.add(where + ": " + p);
      }
    }
    if (r.rules().externalAuth() != null) {
      headers(where + " (auth request)", r.rules().externalAuth().requestHeaders(), false, out);
    }
  }

  private static void headers(
      String where, List<Header> headers, boolean hostAllowed, List<String> out) {
    for (Header h : headers) {
      String problem = HeaderRules.problem(h.name(), h.value(), hostAllowed);
      if (problem != null) {
        out.add(where + ": header " + problem);
      }
    }
  }

  private static void auth(String where, AuthPolicy a, List<String> out) {
    switch (a.type()) {
      case BASIC -> {
        if (a.data().stream().anyMatch(d -> !d.isEmpty() && d.indexOf(':') <= 0)) {
          out.add(where + ": a basic credential is not 'user:password'");
        }
      }
      case FORWARD -> {
        if (a.data().size() != 1 || !HttpUrls.absolute(a.data().get(0))) {
          out.add(where + ": forward auth needs one http(s) URL");
        }
      }
      case JWT -> {
        if (a.data().size() > 1) {
          out.add(where + ": a JWT policy has one secret");
        }
      }
      default -> {}
    }
  }
}

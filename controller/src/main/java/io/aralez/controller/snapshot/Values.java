package io.aralez.controller.snapshot;

import io.aralez.api.v1.Header;
import io.aralez.common.values.ConfigPaths;
import io.aralez.common.values.HeaderRules;
import io.aralez.common.values.HttpUrls;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strict parsers for user-written values. Each throws {@link IllegalArgumentException} with a
 * message naming what was expected; nothing is ever passed through unparsed.
 */
final class Values {
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
  private static final Pattern HOST =
      Pattern.compile(
          "(\\*\\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*");
  private static final Set<Integer> REDIRECT_CODES = Set.of(301, 302, 303, 307, 308);

  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private Values() {}

  /** An IPv4 or IPv6 literal (checked without any lookup). */
  static boolean ipLiteral(String s) {
    return IPV4.matcher(s).matches() || (s.indexOf(':') >= 0 && IPV6.matcher(s).matches());
  }

  /** Why a PEM certificate chain and key are unusable together, or null when they are fine. */
  static String pemPairProblem(String chainPem, String keyPem) {
    try {
      var chain = io.aralez.common.pem.PemFiles.certificates("tls.crt", chainPem);
      var key = io.aralez.common.pem.PemFiles.privateKey("tls.key", keyPem);
      return io.aralez.common.pem.PemFiles.keyMatches(chain.get(0).getPublicKey(), key)
          ? null
          : "the key does not belong to the certificate";
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  static boolean bool(String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("'" + v + "' is not true or false");
    };
  }

  static long positive(String v) {
    try {
      long n = Long.parseLong(v.trim());
      if (n > 0) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("'" + v + "' is not a whole number above 0");
  }

  /** Seconds of a Kubernetes-style duration: 500ms (rounded up), 30s, 5m, 48h or sums (1h30m). */
  static long durationSeconds(String v) {
    return (durationMillis(v) + 999) / 1000;
  }

  /** Milliseconds of a Kubernetes-style duration, at most one day. */
  static long durationMillis(String v) {
    String s = v.trim();
    Matcher m = DURATION.matcher(s);
    long millis = 0;
    int at = 0;
    while (at < s.length() && m.find(at) && m.start() == at) {
      long n = Long.parseLong(m.group(1));
      millis +=
          switch (m.group(2)) {
            case "ms" -> n;
            case "s" -> n * 1000;
            case "m" -> n * 60_000;
            default -> n * 3_600_000;
          };
      at = m.end();
    }
    if (at == 0 || at != s.length() || millis <= 0) {
      throw new IllegalArgumentException("'" + v + "' is not a duration like 30s, 5m or 48h");
    }
    return millis;
  }

  /** A timeout: a duration from 1 ms to 1 hour. */
  static long timeoutMillis(String v) {
    long ms = durationMillis(v);
    if (ms > 3_600_000) {
      throw new IllegalArgumentException("'" + v + "' is longer than 1h");
    }
    return ms;
  }

  /** A whole number within {@code min}..{@code max}. */
  static int count(String v, int min, int max) {
    long n;
    try {
      n = Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + v + "' is not a whole number");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("'" + v + "' is not within " + min + "-" + max);
    }
    return (int) n;
  }

  static int connectAttempts(String v) {
    long n = positive(v);
    if (n > 5) {
      throw new IllegalArgumentException("'" + v + "' is not within 1-5");
    }
    return (int) n;
  }

  static int redirectCode(String v) {
    int code;
    try {
      code = Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      code = -1;
    }
    return checkRedirectCode(code);
  }

  static int checkRedirectCode(int code) {
    if (!REDIRECT_CODES.contains(code)) {
      throw new IllegalArgumentException(code + " is not one of 301, 302, 303, 307, 308");
    }
    return code;
  }

  /** An absolute http(s) URL without spaces or control characters. */
  static String url(String v) {
    String s = v.trim();
    if (HttpUrls.absolute(s)) {
      return s;
    }
    throw new IllegalArgumentException("'" + v + "' is not an absolute http:// or https:// URL");
  }

  /** One header per line, "Name: value". */
  static List<Header> headerLines(String v) {
    List<Header> out = new ArrayList<>();
    for (String line : v.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("'" + line.trim() + "' is not 'Name: value'");
      }
      out.add(header(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
    }
    return List.copyOf(out);
  }

  static Header header(String name, String value) {
    // The data plane checks snapshots by the same rule; a route may not set Host.
    String problem = HeaderRules.problem(name, value, false);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return Header.newBuilder().setName(name).setValue(value).build();
  }

  /** A lower-case DNS name or one-label wildcard as the Ingress API allows it. */
  static String host(String v) {
    String s = v.toLowerCase(Locale.ROOT);
    if (s.length() > 253 || !HOST.matcher(s).matches()) {
      throw new IllegalArgumentException("'" + v + "' is not a host name or a *.suffix wildcard");
    }
    return s;
  }

  static String path(String v) {
    String problem = ConfigPaths.problem(v);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return v;
  }

  /** A prefix path as routes keep it: no trailing slash but for the root. */
  static String prefix(String path) {
    return path.length() > 1 && path.endsWith("/")
        ? prefix(path.substring(0, path.length() - 1))
        : path;
  }

  static String protocol(String v) {
    return switch (v.trim().toUpperCase(Locale.ROOT)) {
      case "HTTP" -> "HTTP";
      case "HTTPS" -> "HTTPS";
      case "H2C", "GRPC" -> "H2C";
      case "H2", "GRPCS" -> "H2";
      default ->
          throw new IllegalArgumentException(
              "'" + v + "' is not one of HTTP, HTTPS, H2, H2C, GRPC, GRPCS");
    };
  }
}

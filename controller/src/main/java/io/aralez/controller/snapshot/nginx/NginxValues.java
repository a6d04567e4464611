package io.aralez.controller.snapshot.nginx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ingress-nginx's value formats, parsed the way its validators read them. Each parser throws {@link
 * IllegalArgumentException} with a message for the user; the caller decides whether an invalid
 * value is ignored (the default applies) or denies the location, as ingress-nginx does.
 */
public final class NginxValues {
  /** ingress-nginx's default cors-allow-methods and cors-allow-headers. */
  public static final String CORS_METHODS = "GET, PUT, POST, DELETE, PATCH, OPTIONS";

  public static final String CORS_HEADERS =
      "DNT,Keep-Alive,User-Agent,X-Requested-With,If-Modified-Since,Cache-Control,Content-Type,Range,Authorization";

  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,12})([bkmg]?)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SECONDS = Pattern.compile("\\d{1,9}");
  private static final Pattern CIDR = Pattern.compile("[0-9A-Fa-f:.]{2,45}(/\\d{1,3})?");
  private static final Pattern LETTERS_LIST = Pattern.compile("[A-Za-z, ]+");
  private static final Pattern HEADER_LIST = Pattern.compile("[A-Za-z0-9_, -]+");

  private NginxValues() {}

  /**
   * {@code v} without surrounding spaces and tabs; other control characters stay and make the value
   * invalid ({@link String#trim} would quietly drop a NUL).
   */
  static String blankTrimmed(String v) {
    return v.replaceAll("^[ \t]+|[ \t]+$", "");
  }

  /** Whether key {@code name} of {@code v} is set to true (a value already checked). */
  static boolean flag(java.util.Map<String, String> v, String name) {
    return v.containsKey(name) && bool(v.get(name));
  }

  /** ingress-nginx's load-balance: true for ewma, false for round_robin. */
  public static boolean loadBalance(String v) {
    return switch (v.trim()) {
      case "ewma" -> true;
      case "round_robin" -> false;
      default -> throw new IllegalArgumentException("'" + v + "' is not round_robin or ewma");
    };
  }

  public static boolean bool(String v) {
    return switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "true", "on" -> true;
      case "false", "off" -> false;
      default -> throw new IllegalArgumentException("'" + v + "' is not true or false");
    };
  }

  /** nginx size: digits with an optional b, k, m or g (binary units); 0 means no limit. */
  public static long size(String v) {
    Matcher m = SIZE.matcher(blankTrimmed(v));
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + v + "' is not an nginx size (like 8m or 512k)");
    }
    long n = Long.parseLong(m.group(1));
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    if (n > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("'" + v + "' is too large");
    }
    return n << shift;
  }

  /** Whole seconds without a unit, as ingress-nginx's timeouts take them. */
  public static long seconds(String v) {
    String t = blankTrimmed(v);
    if (!SECONDS.matcher(t).matches()) {
      throw new IllegalArgumentException("'" + v + "' is not a whole number of seconds");
    }
    return Long.parseLong(t);
  }

  /** A timeout in seconds, at most a day (the data plane keeps milliseconds in 32 bits). */
  public static long timeout(String v) {
    long s = seconds(v);
    if (s > 86_400) {
      throw new IllegalArgumentException("'" + v + "' is more than a day");
    }
    return s;
  }

  public static long positiveInt(String v) {
    String t = blankTrimmed(v);
    if (!t.matches("\\d{1,9}") || Long.parseLong(t) == 0) {
      throw new IllegalArgumentException("'" + v + "' is not a positive integer");
    }
    return Long.parseLong(t);
  }

  /** A comma-separated list of HTTP error statuses (400 to 599; spaces allowed). */
  public static List<Integer> errorCodes(String v) {
    List<Integer> out = new ArrayList<>();
    for (String part : v.split(",")) {
      String c = part.trim();
      if (!c.matches("[45]\\d\\d")) {
        throw new IllegalArgumentException("'" + c + "' is not an HTTP error status (400-599)");
      }
      out.add(Integer.parseInt(c));
    }
    return out;
  }

  /** A comma-separated list of CIDR blocks or addresses (spaces allowed). */
  public static List<String> cidrs(String v) {
    List<String> out = new ArrayList<>();
    for (String part : v.split(",")) {
      String c = part.trim();
      if (c.isEmpty()) {
        continue;
      }
      if (!CIDR.matcher(c).matches() || !validCidr(c)) {
        throw new IllegalArgumentException("'" + c + "' is not an IP address or CIDR block");
      }
      out.add(c);
    }
    return out;
  }

  private static boolean validCidr(String c) {
    int slash = c.indexOf('/');
    String addr = slash < 0 ? c : c.substring(0, slash);
    boolean v4 = addr.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    if (v4) {
      for (String o : addr.split("\\.")) {
        if (Integer.parseInt(o) > 255) {
          return false;
        }
      }
    } else if (!addr.contains(":")) {
      return false;
    }
    return slash < 0 || Integer.parseInt(c.substring(slash + 1)) <= (v4 ? 32 : 128);
  }

  /** A redirect code in {@code [min, max]}, or {@code fallback} when it is not one. */
  static int code(String v, int min, int max, int fallback) {
    String t = v.trim();
    if (!t.matches("\\d{3}")) {
      return fallback;
    }
    int c = Integer.parseInt(t);
    return c < min || c > max ? fallback : c;
  }

  public static String methods(String v) {
    if (!LETTERS_LIST.matcher(v).matches()) {
      throw new IllegalArgumentException("'" + v + "' is not a list of methods");
    }
    return v.trim();
  }

  public static String headerList(String v) {
    if (!HEADER_LIST.matcher(v).matches()) {
      throw new IllegalArgumentException("'" + v + "' is not a list of header names");
    }
    return v.trim();
  }

  /** An absolute http(s) URL without spaces or control characters. */
  public static String url(String v) {
    String t = v.trim();
    if (!io.aralez.common.values.HttpUrls.absolute(t)) {
      throw new IllegalArgumentException("'" + v + "' is not an absolute http(s) URL");
    }
    return t;
  }

  /** An origin-form path without spaces or control characters. */
  public static String path(String v) {
    String t = v.trim();
    if (!t.startsWith("/")
        || t.startsWith("//")
        || t.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
      throw new IllegalArgumentException("'" + v + "' is not a path");
    }
    return t;
  }
}

package io.aralez.controller;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line of {@code aralez-controller}. Every flag can also come from the environment as
 * {@code ARALEZ_<FLAG>} (upper case, dashes as underscores); a flag wins over the environment.
 */
public record ControllerOptions(
    Path kubeconfig,
    String grpcAddress,
    String httpAddress,
    String ingressClass,
    String controllerName,
    List<String> namespaces,
    String publishService,
    List<String> publishAddresses,
    boolean leaderElection,
    String leaseNamespace,
    String leaseName,
    Path tokenFile,
    String tokenSecret,
    Path tlsCert,
    Path tlsKey,
    boolean watchWithoutClass,
    Acme acme,
    io.aralez.controller.snapshot.nginx.NginxSettings nginx,
    String nginxReport,
    boolean updateStatus,
    String defaultBackendService) {

  /**
   * ACME, on when {@code --acme-directory} is given.
   *
   * @param caFile trust for the ACME server's own TLS, or null for the JDK's
   */
  public record Acme(
      java.net.URI directory,
      String email,
      Path caFile,
      java.time.Duration renewBefore,
      java.time.Duration checkInterval) {}

  static final String USAGE =
      """
      aralez-controller [flags]
        --kubeconfig FILE          kubeconfig to use (default: in-cluster, else $KUBECONFIG, else ~/.kube/config)
        --grpc-address IP:PORT     where data planes connect (default 0.0.0.0:18000)
        --http-address IP:PORT     /metrics, /healthz, /readyz (default 0.0.0.0:18080)
        --ingress-class NAME       class name matched by the legacy kubernetes.io/ingress.class annotation (default aralez)
        --controller-name NAME     IngressClass spec.controller we answer to (default aralez.io/ingress-controller)
        --namespaces A,B           watch only these namespaces (default: all)
        --publish-service NS/NAME  publish this Service's load-balancer address in Ingress status
        --publish-address A,B      publish these IPs or host names instead
        --leader-election BOOL     only the leader writes status (default true)
        --lease-namespace NS       namespace of the Lease (default $POD_NAMESPACE, else default)
        --lease-name NAME          name of the Lease (default aralez-controller)
        --token-file FILE          bearer token data planes must present
        --token-secret NAME        the same from Secret NAME (key "token") in the lease namespace,
                                   created with a random token when missing
        --tls-cert FILE --tls-key FILE   serve gRPC over TLS with this certificate
        --watch-ingress-without-class BOOL  also serve Ingresses naming no class (default false)
        --default-backend-service NS/NAME  the Service (first port) that answers requests no
                                   Ingress takes, and custom-http-errors without default-backend
        --acme-directory URI       turn ACME on: acme://letsencrypt.org, acme://letsencrypt.org/staging
                                   or a CA's https://.../directory URL
        --acme-email ADDRESS       contact of the ACME account
        --acme-ca-file FILE        PEM CAs trusted for the ACME server's own TLS
        --acme-renew-before DUR    renew certificates with less than this left (default 30d)
        --acme-check-interval DUR  check every certificate this often (default 12h)
        --update-status BOOL       write Ingress status.loadBalancer (default true; false while
                                   ingress-nginx still serves the same Ingresses)
        --nginx-compat BOOL        also serve ingress-nginx's IngressClasses and honour
                                   nginx.ingress.kubernetes.io/* annotations (default false)
        --nginx-compat-quirks BOOL apply ingress-nginx's quirks that contradict the Ingress spec
                                   (host-wide regex mode; default true)
        --nginx-controller-class C IngressClass spec.controller of ingress-nginx (default k8s.io/ingress-nginx)
        --nginx-ingress-class NAME legacy kubernetes.io/ingress.class of ingress-nginx (default nginx)
        --annotations-prefix P     ingress-nginx's annotation prefix (default nginx.ingress.kubernetes.io)
        --nginx-configmap NS/NAME  read ingress-nginx's controller ConfigMap for its global defaults
        --enable-ssl-passthrough BOOL  honour ssl-passthrough: relay TLS for those hosts by SNI
                                   to their backend, undecrypted (default false)
        --nginx-report[=json]      print, for every Ingress, what happens to each nginx annotation
                                   (honoured, partial, ignored, refused), then exit
        -h, --help                 this text
      Every flag can be set in the environment as ARALEZ_<FLAG>, e.g. ARALEZ_TOKEN_FILE.
      """;

  private static final List<String> FLAGS =
      List.of(
          "kubeconfig",
          "grpc-address",
          "http-address",
          "ingress-class",
          "controller-name",
          "namespaces",
          "publish-service",
          "publish-address",
          "leader-election",
          "lease-namespace",
          "lease-name",
          "token-file",
          "token-secret",
          "tls-cert",
          "tls-key",
          "watch-ingress-without-class",
          "default-backend-service",
          "acme-directory",
          "acme-email",
          "acme-ca-file",
          "acme-renew-before",
          "acme-check-interval",
          "nginx-compat",
          "nginx-compat-quirks",
          "nginx-controller-class",
          "nginx-ingress-class",
          "annotations-prefix",
          "nginx-configmap",
          "nginx-report",
          "enable-ssl-passthrough",
          "update-status");

  /** Thrown for bad usage: the message is for the user. */
  static final class UsageException extends Exception {
    UsageException(String message) {
      super(message);
    }
  }

  static ControllerOptions parse(String[] args, Map<String, String> env) throws UsageException {
    Map<String, String> v = new LinkedHashMap<>();
    for (String f : FLAGS) {
      String e = env.get("ARALEZ_" + f.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (e != null && !e.isEmpty()) {
        v.put(f, e);
      }
    }
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new UsageException("unexpected argument '" + a + "'");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (!FLAGS.contains(name)) {
        throw new UsageException("unknown flag --" + name);
      }
      if (value == null && name.equals("nginx-report")) {
        // A mode, not a setting: it takes no value unless one is attached (--nginx-report=json).
        value = "text";
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new UsageException("--" + name + " needs a value");
        }
        value = args[++i];
      }
      v.put(name, value);
    }
    String tlsCert = v.get("tls-cert");
    String tlsKey = v.get("tls-key");
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("--tls-cert and --tls-key go together");
    }
    if (v.containsKey("token-file") && v.containsKey("token-secret")) {
      throw new UsageException("--token-file and --token-secret exclude each other");
    }
    String publishService = v.get("publish-service");
    if (publishService != null && !publishService.matches("[a-z0-9-]+/[a-z0-9.-]+")) {
      throw new UsageException("--publish-service must be namespace/name");
    }
    return new ControllerOptions(
        path(v.get("kubeconfig")),
        address(v.getOrDefault("grpc-address", "0.0.0.0:18000"), "grpc-address"),
        address(v.getOrDefault("http-address", "0.0.0.0:18080"), "http-address"),
        v.getOrDefault("ingress-class", "aralez"),
        v.getOrDefault("controller-name", "aralez.io/ingress-controller"),
        list(v.get("namespaces")),
        publishService,
        list(v.get("publish-address")),
        bool(v.getOrDefault("leader-election", "true"), "leader-election"),
        v.getOrDefault("lease-namespace", env.getOrDefault("POD_NAMESPACE", "default")),
        v.getOrDefault("lease-name", "aralez-controller"),
        path(v.get("token-file")),
        v.get("token-secret"),
        path(tlsCert),
        path(tlsKey),
        bool(v.getOrDefault("watch-ingress-without-class", "false"), "watch-ingress-without-class"),
        acme(v),
        nginx(v),
        report(v.get("nginx-report")),
        bool(v.getOrDefault("update-status", "true"), "update-status"),
        defaultBackend(v.get("default-backend-service")));
  }

  private static io.aralez.controller.snapshot.nginx.NginxSettings nginx(Map<String, String> v)
      throws UsageException {
    boolean on = bool(v.getOrDefault("nginx-compat", "false"), "nginx-compat");
    String cm = v.get("nginx-configmap");
    if (cm != null && !cm.matches("[a-z0-9-]+/[a-z0-9.-]+")) {
      throw new UsageException("--nginx-configmap must be namespace/name");
    }
    String prefix = v.getOrDefault("annotations-prefix", "nginx.ingress.kubernetes.io");
    if (!prefix.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?")) {
      throw new UsageException("--annotations-prefix '" + prefix + "' is not a DNS name");
    }
    return new io.aralez.controller.snapshot.nginx.NginxSettings(
        on || v.containsKey("nginx-report"),
        bool(v.getOrDefault("nginx-compat-quirks", "true"), "nginx-compat-quirks"),
        v.getOrDefault("nginx-controller-class", "k8s.io/ingress-nginx"),
        v.getOrDefault("nginx-ingress-class", "nginx"),
        prefix,
        cm,
        bool(v.getOrDefault("enable-ssl-passthrough", "false"), "enable-ssl-passthrough"));
  }

  private static String defaultBackend(String v) throws UsageException {
    if (v != null && !v.matches("[a-z0-9-]+/[a-z0-9.-]+")) {
      throw new UsageException("--default-backend-service must be namespace/name");
    }
    return v;
  }

  private static String report(String v) throws UsageException {
    if (v == null || v.equals("text") || v.equals("json")) {
      return v;
    }
    throw new UsageException("--nginx-report is text or json, not '" + v + "'");
  }

  private static Acme acme(Map<String, String> v) throws UsageException {
    String dir = v.get("acme-directory");
    if (dir == null) {
      for (String f :
          List.of("acme-email", "acme-ca-file", "acme-renew-before", "acme-check-interval")) {
        if (v.containsKey(f)) {
          throw new UsageException("--" + f + " needs --acme-directory");
        }
      }
      return null;
    }
    java.net.URI uri;
    try {
      uri = io.aralez.acme.AcmeDirectory.parse(dir);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--acme-directory: " + e.getMessage());
    }
    String email = v.get("acme-email");
    if (email != null && !email.matches("[^@\\s]+@[^@\\s]+")) {
      throw new UsageException("--acme-email '" + email + "' is not an e-mail address");
    }
    return new Acme(
        uri,
        email,
        path(v.get("acme-ca-file")),
        duration(v.getOrDefault("acme-renew-before", "30d"), "acme-renew-before"),
        duration(v.getOrDefault("acme-check-interval", "12h"), "acme-check-interval"));
  }

  /** A positive duration: a number with s, m, h or d. */
  static java.time.Duration duration(String s, String flag) throws UsageException {
    var m = java.util.regex.Pattern.compile("(\\d{1,9})([smhd])").matcher(s.trim());
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new UsageException("--" + flag + " is a duration such as 90s, 30m, 12h or 30d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> java.time.Duration.ofSeconds(n);
      case "m" -> java.time.Duration.ofMinutes(n);
      case "h" -> java.time.Duration.ofHours(n);
      default -> java.time.Duration.ofDays(n);
    };
  }

  private static Path path(String s) {
    return s == null ? null : Path.of(s);
  }

  private static List<String> list(String s) {
    if (s == null || s.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String p : Arrays.asList(s.split(","))) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
    return List.copyOf(out);
  }

  private static boolean bool(String s, String flag) throws UsageException {
    return switch (s.toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new UsageException("--" + flag + " is true or false, not '" + s + "'");
    };
  }

  private static String address(String s, String flag) throws UsageException {
    int colon = s.lastIndexOf(':');
    try {
      int port = Integer.parseInt(s.substring(colon + 1));
      if (colon > 0 && port >= 0 && port <= 65535) {
        return s;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--" + flag + " must be ip:port, not '" + s + "'");
  }

  /** The host part of an ip:port, without IPv6 brackets. */
  static String host(String address) {
    String h = address.substring(0, address.lastIndexOf(':'));
    return h.startsWith("[") ? h.substring(1, h.length() - 1) : h;
  }

  static int port(String address) {
    return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
  }
}

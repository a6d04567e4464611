package io.aralez.controller.snapshot.nginx;

/**
 * The ingress-nginx compatibility mode of the controller ({@code --nginx-compat}).
 *
 * @param enabled serve ingress-nginx's classes and read {@code nginx.ingress.kubernetes.io/*}
 * @param quirks apply the ingress-nginx behaviours that contradict the Ingress spec (host-wide
 *     regex mode; on by default, so a migration is faithful)
 * @param controllerClass the IngressClass {@code spec.controller} of ingress-nginx
 * @param ingressClass the legacy {@code kubernetes.io/ingress.class} value of ingress-nginx
 * @param prefix the annotation prefix ({@code --annotations-prefix})
 * @param configMap ingress-nginx's controller ConfigMap "namespace/name" ({@code
 *     --nginx-configmap}), or null
 * @param sslPassthrough honour {@code ssl-passthrough} ({@code --enable-ssl-passthrough}, off by
 *     default as in ingress-nginx: a passthrough host skips every HTTP policy)
 */
public record NginxSettings(
    boolean enabled,
    boolean quirks,
    String controllerClass,
    String ingressClass,
    String prefix,
    String configMap,
    boolean sslPassthrough) {
  public static final String CONTROLLER_CLASS = "k8s.io/ingress-nginx";
  public static final String INGRESS_CLASS = "nginx";
  public static final String PREFIX = "nginx.ingress.kubernetes.io";

  public static final NginxSettings OFF =
      new NginxSettings(false, true, CONTROLLER_CLASS, INGRESS_CLASS, PREFIX, null, false);

  public static NginxSettings on() {
    return new NginxSettings(true, true, CONTROLLER_CLASS, INGRESS_CLASS, PREFIX, null, false);
  }
}

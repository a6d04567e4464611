package io.aralez.controller.snapshot;

/**
 * How the controller decides which objects are its own.
 *
 * @param controllerName the IngressClass {@code spec.controller} value we answer to
 * @param ingressClassName the class name matched against the legacy {@code
 *     kubernetes.io/ingress.class} annotation when no IngressClass object of ours names it
 * @param watchWithoutClass also serve Ingresses that name no class at all, even when no class of
 *     ours is the default
 * @param nginx the ingress-nginx compatibility mode
 * @param defaultBackendService "namespace/name" of the Service (first port) that answers what no
 *     Ingress takes ({@code --default-backend-service}), or null for Aralez's 404
 */
public record BuilderSettings(
    String controllerName,
    String ingressClassName,
    boolean watchWithoutClass,
    io.aralez.controller.snapshot.nginx.NginxSettings nginx,
    String defaultBackendService) {
  public static final String CONTROLLER_NAME = "aralez.io/ingress-controller";

  public BuilderSettings(
      String controllerName,
      String ingressClassName,
      boolean watchWithoutClass,
      io.aralez.controller.snapshot.nginx.NginxSettings nginx) {
    this(controllerName, ingressClassName, watchWithoutClass, nginx, null);
  }

  public BuilderSettings(
      String controllerName, String ingressClassName, boolean watchWithoutClass) {
    this(
        controllerName,
        ingressClassName,
        watchWithoutClass,
        io.aralez.controller.snapshot.nginx.NginxSettings.OFF);
  }

  public static BuilderSettings defaults() {
    return new BuilderSettings(CONTROLLER_NAME, "aralez", false);
  }
}

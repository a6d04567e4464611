package io.aralez.controller.snapshot;

import io.aralez.api.v1.PathMatch;
import io.aralez.common.values.PathRegexes;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;

/** The path of an Ingress rule as a route's match: Ingress v1 path types, or the regex mode. */
final class IngressPaths {
  private IngressPaths() {}

  static String written(HTTPIngressPath p) {
    return p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
  }

  /**
   * A path of an Ingress in ingress-nginx's regex mode: the path as written is the regex, whatever
   * its type (an Exact path too matches as a prefix, as in ingress-nginx).
   *
   * @param report where to warn about a regex under Exact or Prefix, or null not to
   */
  static PathMatch regex(HTTPIngressPath p, ObjectReport report) {
    String value = written(p);
    String problem = PathRegexes.problem(value);
    if (problem != null) {
      throw new IllegalArgumentException("path " + value + ": " + problem);
    }
    if (report != null
        && !"ImplementationSpecific".equals(p.getPathType())
        && !value.matches("[A-Za-z0-9/_-]*")) {
      report.warnings.add(
          "path "
              + value
              + " is a regex under pathType "
              + p.getPathType()
              + ": served, but ingress-nginx 1.12+ refuses it (use ImplementationSpecific)");
    }
    return PathMatch.newBuilder().setType(PathMatch.Type.REGEX).setValue(value).build();
  }

  static PathMatch of(HTTPIngressPath p) {
    String type = p.getPathType() == null ? "ImplementationSpecific" : p.getPathType();
    String value = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
    return switch (type) {
      case "Exact" ->
          PathMatch.newBuilder().setType(PathMatch.Type.EXACT).setValue(Values.path(value)).build();
      case "Prefix", "ImplementationSpecific" ->
          PathMatch.newBuilder()
              .setType(PathMatch.Type.PREFIX)
              .setValue(Values.prefix(Values.path(value)))
              .build();
      default ->
          throw new IllegalArgumentException(
              "pathType '" + type + "' is not Exact, Prefix or ImplementationSpecific");
    };
  }
}

package io.aralez.dataplane.admission;

/** Counts requests a policy turned away, by reason (the metrics registry in the proxy). */
@FunctionalInterface
public interface Rejections {
  void rejected(String reason);
}

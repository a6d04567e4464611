package io.aralez.dataplane.runtime;

import io.aralez.dataplane.config.ProxyConfig;
import java.util.List;

/**
 * What a source hands in: a model to validate and apply, or why it could not build one.
 *
 * @param kind the source's kind, a metric label: file, api, consul, kubernetes, controller
 * @param origin where exactly it came from, for logs (a file name, a peer address, a server)
 * @param config the model, or null when {@code failure} says why there is none
 * @param warnings things the source noticed that do not stop the config
 */
public record Candidate(
    Kind kind, String origin, ProxyConfig config, List<String> warnings, String failure) {

  /** The kinds of source; the label of {@code aralez_config_reloads_total{source}}. */
  public enum Kind {
    FILE,
    API,
    CONSUL,
    KUBERNETES,
    CONTROLLER;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * Whether routes may set the upstream Host: configs an operator wrote may, cluster objects not.
     */
    public boolean operatorWritten() {
      return this != CONTROLLER;
    }
  }

  public Candidate {
    warnings = List.copyOf(warnings);
  }

  public static Candidate of(Kind kind, String origin, ProxyConfig config, List<String> warnings) {
    return new Candidate(kind, origin, config, warnings, null);
  }

  public static Candidate failed(Kind kind, String origin, String failure) {
    return new Candidate(kind, origin, null, List.of(), failure);
  }
}

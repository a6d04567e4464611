package io.aralez.dataplane.source;

import io.aralez.dataplane.runtime.Candidate;

/**
 * The {@code provider:} of upstreams.yaml with its block: where routes or backends come from
 * besides the file itself.
 */
public interface ProviderSettings {
  /** {@code provider: file} (the default): everything comes from the files. */
  ProviderSettings FILE = () -> Candidate.Kind.FILE;

  /** The kind of source this provider makes configs of. */
  Candidate.Kind kind();
}

package io.aralez.dataplane.acme;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The names to keep certified: {@code acme_domains} from main.yaml, plus those ordered through the
 * admin API, which persist in {@code autoconfigs/domains.json} (the original's file: a JSON array
 * of names), read from and written to the same folder.
 */
final class DomainList {
  private static final Logger LOG = LoggerFactory.getLogger(DomainList.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final Set<String> configured;
  private final Set<String> ordered = new LinkedHashSet<>();

  DomainList(Path stateDir, List<String> configured) {
    this.file = stateDir.resolve("domains.json");
    this.configured = new LinkedHashSet<>(configured);
    load();
  }

  private void load() {
    if (!Files.exists(file)) {
      return;
    }
    try {
      JsonNode n = JSON.readTree(Files.readString(file));
      if (n == null || !n.isArray()) {
        throw new IOException("not a JSON array of names");
      }
      n.forEach(e -> ordered.add(e.asText()));
    } catch (IOException e) {
      // The names from main.yaml still renew; this file is left alone for the operator.
      LOG.warn("ignoring {}: {}", file, e.getMessage());
    }
  }

  synchronized List<String> all() {
    Set<String> all = new LinkedHashSet<>(configured);
    all.addAll(ordered);
    return new ArrayList<>(all);
  }

  /** Remembers a name ordered at run time; main.yaml's names are not copied into the file. */
  synchronized void add(String name) throws IOException {
    if (configured.contains(name) || !ordered.add(name)) {
      return;
    }
    StateFiles.write(file, JSON.writeValueAsString(ordered), false);
  }
}

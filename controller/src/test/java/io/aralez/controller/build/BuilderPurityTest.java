package io.aralez.controller.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The build enforces that the builder package stays pure: no Kubernetes client I/O, no gRPC, no
 * clock, no randomness. Model classes (io.fabric8.kubernetes.api.model) are data and allowed.
 */
class BuilderPurityTest {
  static final List<String> FORBIDDEN =
      List.of(
          "io.fabric8.kubernetes.client.KubernetesClient",
          "io.fabric8.kubernetes.client.dsl",
          "io.fabric8.kubernetes.client.informers",
          "io.fabric8.kubernetes.client.http",
          "io.grpc",
          "java.time.Clock",
          "java.time.Instant",
          "java.time.LocalDateTime",
          "java.util.Random",
          "java.util.UUID",
          "ThreadLocalRandom",
          "System.currentTimeMillis",
          "System.nanoTime",
          "java.net.Socket",
          "java.net.http",
          "java.net.URL",
          "InetAddress",
          "java.nio.file",
          "java.io.File");

  @Test
  void builderPackageDoesNoIo() throws Exception {
    List<String> found = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(Path.of("src/main/java/io/aralez/controller/build"))) {
      files = s.filter(p -> p.toString().endsWith(".java")).toList();
    }
    assertThat(files).hasSizeGreaterThan(5);
    for (Path f : files) {
      String text = Files.readString(f);
      for (String bad : FORBIDDEN) {
        if (text.contains(bad)) {
          found.add(f.getFileName() + " uses " + bad);
        }
      }
    }
    assertThat(found).as("the snapshot builder must stay pure").isEmpty();
  }
}

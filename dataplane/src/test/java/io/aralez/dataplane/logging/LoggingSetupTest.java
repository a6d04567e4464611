package io.aralez.dataplane.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import io.aralez.dataplane.config.MainConfig;
import io.aralez.dataplane.config.MainConfigParser;
import io.aralez.dataplane.config.yaml.Problems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The rolling log_file really rolls, keeps its count and compresses. */
@Tag("catalogue-2.15")
class LoggingSetupTest {
  @TempDir Path dir;

  @AfterEach
  void restoreTheTestLogging() throws Exception {
    LoggerContext lc = (LoggerContext) LoggerFactory.getILoggerFactory();
    lc.reset();
    new ContextInitializer(lc).autoConfig();
  }

  @Test
  void theOriginalsRollingSpecRollsBySizeAndKeepsTheCount() throws Exception {
    MainConfig config =
        MainConfigParser.parse(
            dir.resolve("main.yaml"),
            "proxy_address_http: 127.0.0.1:6193\nupstreams_conf: u.yaml\n"
                + "log_file: \"logs/aralez.log, 1, 2, compress\"\n",
            new Problems());
    LoggingSetup.apply(config);
    Logger log = LoggerFactory.getLogger("rolling-test");
    String line = "x".repeat(1000);
    // Four rounds of a bit over 1 MB, each after the size check's one-second gate: three rolls,
    // of which two files are kept.
    for (int round = 0; round < 4; round++) {
      Thread.sleep(1100);
      for (int i = 0; i < 1100; i++) {
        log.info("{} {}", i, line);
      }
    }
    Path logs = dir.resolve("logs");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(names(logs))
                    .containsExactlyInAnyOrder("aralez.log", "aralez.log.1.gz", "aralez.log.2.gz"));
    assertThat(Files.size(logs.resolve("aralez.log"))).isLessThan(2L << 20);
    assertThat(logs.resolve("aralez.log, 1, 2, compress")).doesNotExist();
  }

  private static java.util.List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".tmp")).toList();
    }
  }
}

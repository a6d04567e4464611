package io.aralez.dataplane.aot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotTrainingTest {
  @TempDir Path dir;

  @Test
  void optionsNeedTheCacheTheJarAndAJavaCommand() {
    AotTraining.Options o =
        AotTraining.Options.parse(
            new String[] {
              "--cache", "c.aot", "--jar", "a.jar", "--seconds", "15", "--", "java", "-Xmx1g"
            });
    assertThat(o.seconds()).isEqualTo(15);
    assertThat(o.javaCommand()).containsExactly("java", "-Xmx1g");
    assertThat(o.cache()).isAbsolute();
    assertThat(
            AotTraining.Options.parse(new String[] {"--cache", "c", "--jar", "j", "--", "java"})
                .seconds())
        .isEqualTo(40);
    assertThatThrownBy(() -> AotTraining.Options.parse(new String[] {"--cache", "c", "--jar", "j"}))
        .hasMessageContaining("required");
    assertThatThrownBy(
            () ->
                AotTraining.Options.parse(
                    new String[] {"--cache", "c", "--jar", "j", "--seconds", "9", "--", "java"}))
        .hasMessageContaining("10..3600");
    assertThatThrownBy(
            () ->
                AotTraining.Options.parse(
                    new String[] {"--cache", "c", "--jar", "j", "--seconds", "x", "--", "java"}))
        .hasMessageContaining("whole number");
    assertThatThrownBy(() -> AotTraining.Options.parse(new String[] {"--nope", "1"}))
        .hasMessageContaining("unknown option --nope");
    assertThat(o.program()).containsExactly("-jar", o.jar().toString());
    // The container image's way: the main class from a class path, one of the two and not both.
    assertThat(
            AotTraining.Options.parse(
                    new String[] {"--cache", "c", "--classpath", "@/app/cp", "--", "java"})
                .program())
        .containsExactly("-cp", "@/app/cp", "io.aralez.dataplane.Main");
    assertThatThrownBy(
            () ->
                AotTraining.Options.parse(
                    new String[] {"--cache", "c", "--jar", "j", "--classpath", "x", "--", "java"}))
        .hasMessageContaining("one of --jar and --classpath");
  }

  /** A training whose proxy never serves fails with its output and keeps the cache there was. */
  @Test
  void aFailedTrainingKeepsThePreviousCache() throws Exception {
    Path cache = dir.resolve("aralez.aot");
    Files.writeString(cache, "the previous cache");
    Path fakeJava = dir.resolve("java");
    Files.writeString(fakeJava, "#!/bin/sh\necho 'cannot start: port taken'\nexit 3\n");
    fakeJava.toFile().setExecutable(true);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        AotTraining.run(
            new String[] {"--cache", cache.toString(), "--jar", "a.jar", "--", fakeJava.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("training failed", "exited with 3 at start", "cannot start: port taken");
    assertThat(Files.readString(cache)).isEqualTo("the previous cache");
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("aralez.aot", "java");
    }
  }

  /** The load's HTTP/1.1 phases against the training backends directly, over real sockets. */
  @Test
  void theLoadReadsLengthAndChunkedResponsesFromTheBackends() throws Exception {
    try (TrainingBackends backends = TrainingBackends.start(1)) {
      int port = Integer.parseInt(backends.addresses().get(0).split(":")[1]);
      TrainingLoad load = new TrainingLoad(port, 1, null);
      load.keepAlive(2, 300, "/");
      long plain = load.answered();
      assertThat(plain).isPositive();
      load.keepAlive(2, 300, "/chunked");
      assertThat(load.answered()).isGreaterThan(plain);
      long before = load.answered();
      load.newConnections(2, 300);
      assertThat(load.answered()).isGreaterThan(before);
      assertThat(load.failed()).isZero();
      load.resets(1, 200);
      assertThat(load.failed()).as("resets are not failures").isZero();
    }
  }

  @Test
  void aResponseIsReadByItsFramingAndAnythingElseIsAnError() throws Exception {
    TrainingLoad.readResponse(in("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc"));
    TrainingLoad.readResponse(
        in(
            "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n"));
    assertThatThrownBy(() -> TrainingLoad.readResponse(in("HTTP/1.1 502 Bad Gateway\r\n\r\n")))
        .hasMessageContaining("502");
    assertThatThrownBy(() -> TrainingLoad.readResponse(in("HTTP/1.1 200 OK\r\n\r\n")))
        .hasMessageContaining("without framing");
    assertThatThrownBy(
            () -> TrainingLoad.readResponse(in("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc")))
        .isInstanceOf(IOException.class);
  }

  private static ByteArrayInputStream in(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.US_ASCII));
  }
}

package io.aralez.dataplane.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CommandLineTest {
  @Test
  void flagsOfTheOriginal() {
    CommandLine c =
        CommandLine.parse(new String[] {"-c", "main.yaml", "-t", "-d", "-u", "--nocapture"});
    assertThat(c.conf()).isEqualTo(Path.of("main.yaml"));
    assertThat(c.test()).isTrue();
    assertThat(c.daemon()).isTrue();
    assertThat(c.upgrade()).isTrue();
    assertThat(CommandLine.parse(new String[] {"--conf=x.yaml"}).conf())
        .isEqualTo(Path.of("x.yaml"));
    assertThat(CommandLine.parse(new String[] {"-v"}).version()).isTrue();
  }

  @Test
  void badUsage() {
    assertThatThrownBy(() -> CommandLine.parse(new String[] {}))
        .hasMessageContaining("-c <main.yaml> is required");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"-c"}))
        .hasMessageContaining("needs a file name");
    assertThatThrownBy(() -> CommandLine.parse(new String[] {"-c", "x", "-z"}))
        .hasMessageContaining("unknown option -z");
  }
}

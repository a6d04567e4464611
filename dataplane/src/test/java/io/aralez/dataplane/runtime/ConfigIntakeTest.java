package io.aralez.dataplane.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.aralez.dataplane.config.HostPort;
import io.aralez.dataplane.config.ProxyConfig;
import io.aralez.dataplane.config.ProxyConfig.Backend;
import io.aralez.dataplane.config.ProxyConfig.Route;
import io.aralez.dataplane.config.ProxyConfig.StickySessions;
import io.aralez.dataplane.config.ProxyConfig.VirtualHost;
import io.aralez.dataplane.runtime.Candidate.Kind;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("catalogue-2.13")
class ConfigIntakeTest {
  private final ConfigHolder holder = new ConfigHolder();
  private final ConfigIntake intake = new ConfigIntake(holder);
  private final List<String> swaps = new ArrayList<>();

  ConfigIntakeTest() {
    holder.addListener(c -> swaps.add(c.config().version()));
  }

  private static ProxyConfig config(String version, String host, int port) {
    Route r = Route.plain(host, "/", List.of(new Backend(HostPort.parse("127.0.0.1:" + port))));
    return new ProxyConfig(
        "test", version, StickySessions.OFF, List.of(new VirtualHost(host, List.of(r))));
  }

  @Test
  void aValidCandidateIsAppliedAndAnInvalidOneChangesNothing() {
    assertThat(
            intake
                .offer(Candidate.of(Kind.FILE, "f", config("v1", "a.test", 1), List.of()))
                .result())
        .isEqualTo(ConfigIntake.Result.APPLIED);
    assertThat(holder.loaded()).isTrue();
    ConfigIntake.Outcome bad =
        intake.offer(Candidate.of(Kind.FILE, "f", config("v2", "Not A Host", 1), List.of()));
    assertThat(bad.accepted()).isFalse();
    assertThat(bad.reason()).contains("Not A Host");
    ConfigIntake.Outcome unparsable =
        intake.offer(Candidate.failed(Kind.API, "push", "line 3: bad"));
    assertThat(unparsable.reason()).isEqualTo("line 3: bad");
    assertThat(holder.current().config().version()).isEqualTo("v1");
    assertThat(swaps).containsExactly("v1");
    assertThat(intake.count(Kind.FILE, ConfigIntake.Result.REJECTED)).isEqualTo(1);
    assertThat(intake.count(Kind.API, ConfigIntake.Result.REJECTED)).isEqualTo(1);
    assertThat(intake.lastError()).isEqualTo("line 3: bad");
    assertThat(intake.states().get(Kind.FILE).lastVersion()).isEqualTo("v1");
  }

  @Test
  void theSameRoutesAgainAreNotSwapped() {
    intake.offer(Candidate.of(Kind.CONSUL, "c", config("v1", "a.test", 1), List.of()));
    ConfigIntake.Outcome again =
        intake.offer(Candidate.of(Kind.CONSUL, "c", config("v1-again", "a.test", 1), List.of()));
    assertThat(again.result()).isEqualTo(ConfigIntake.Result.UNCHANGED);
    assertThat(again.accepted()).isTrue();
    intake.offer(Candidate.of(Kind.CONSUL, "c", config("v2", "a.test", 2), List.of()));
    assertThat(swaps).containsExactly("v1", "v2");
    assertThat(intake.count(Kind.CONSUL, ConfigIntake.Result.UNCHANGED)).isEqualTo(1);
  }

  @Test
  void thePrecommitRunsEvenWhenTheRoutesAreWhatRuns() {
    intake.offer(Candidate.of(Kind.FILE, "f", config("v1", "a.test", 1), List.of()));
    boolean[] saved = {false};
    ConfigIntake.Outcome o =
        intake.offer(
            Candidate.of(Kind.API, "push", config("v1-pushed", "a.test", 1), List.of()),
            () -> saved[0] = true);
    assertThat(o.result()).isEqualTo(ConfigIntake.Result.UNCHANGED);
    assertThat(saved[0]).as("a push with ?save is written even when nothing else changes").isTrue();
  }

  @Test
  void aFailingPrecommitAppliesNothing() {
    intake.offer(Candidate.of(Kind.FILE, "f", config("v1", "a.test", 1), List.of()));
    ConfigIntake.Outcome o =
        intake.offer(
            Candidate.of(Kind.API, "push", config("v2", "a.test", 2), List.of()),
            () -> {
              throw new IOException("could not be saved to /ro/upstreams.yaml");
            });
    assertThat(o.accepted()).isFalse();
    assertThat(o.reason()).contains("could not be saved").contains("nothing changed");
    assertThat(holder.current().config().version()).isEqualTo("v1");
    // An invalid candidate never reaches the precommit (nothing is saved).
    boolean[] ran = {false};
    intake.offer(
        Candidate.of(Kind.API, "push", config("v3", "Bad Host", 2), List.of()),
        () -> ran[0] = true);
    assertThat(ran[0]).isFalse();
  }
}

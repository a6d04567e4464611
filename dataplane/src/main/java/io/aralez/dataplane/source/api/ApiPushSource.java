package io.aralez.dataplane.source.api;

import io.aralez.dataplane.config.ConfigException;
import io.aralez.dataplane.config.ConfigProblem;
import io.aralez.dataplane.config.yaml.Problems;
import io.aralez.dataplane.runtime.Candidate;
import io.aralez.dataplane.runtime.ConfigIntake;
import io.aralez.dataplane.source.ConfigSource;
import io.aralez.dataplane.source.file.UpstreamsParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * {@code POST /conf}: an upstreams.yaml document pushed over the admin API. With {@code save}, it
 * is written over upstreams.yaml (atomically) once it is known to be valid and before it is
 * applied, so a push that could not be saved changes nothing.
 */
public final class ApiPushSource implements ConfigSource {
  private final Path upstreams;
  private ConfigIntake intake;

  public ApiPushSource(Path upstreams) {
    this.upstreams = upstreams;
  }

  @Override
  public void start(ConfigIntake intake) {
    this.intake = intake;
  }

  /**
   * What became of a push, and the warnings to show the caller.
   *
   * @param notSaved valid, but upstreams.yaml could not be written (so nothing was applied)
   */
  public record Result(ConfigIntake.Outcome outcome, List<String> warnings, boolean notSaved) {}

  public Result push(String body, String peer, boolean save) {
    String origin = "POST /conf from " + peer;
    Problems problems = new Problems();
    Candidate candidate;
    try {
      candidate =
          Candidate.of(
              Candidate.Kind.API,
              origin,
              UpstreamsParser.parseDocument(
                      new UpstreamsParser.Source("POST /conf", body),
                      List.of(),
                      "push-" + hash(body),
                      null,
                      problems)
                  .hosts(),
              List.of());
    } catch (ConfigException e) {
      candidate = Candidate.failed(Candidate.Kind.API, origin, e.getMessage());
    }
    List<String> warnings = problems.warnings().stream().map(ConfigProblem::toString).toList();
    boolean[] notSaved = {false};
    ConfigIntake.Outcome outcome =
        intake.offer(
            candidate,
            save
                ? () -> {
                  notSaved[0] = true;
                  save(upstreams, body);
                  notSaved[0] = false;
                }
                : null);
    return new Result(outcome, warnings, notSaved[0]);
  }

  /** temp file + rename, so a reader never sees half a file. */
  private static void save(Path target, String body) throws IOException {
    Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), ".upstreams", ".tmp");
    try {
      Files.writeString(tmp, body, StandardCharsets.UTF_8);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new IOException("could not be saved to " + target + " (" + e.getMessage() + ")", e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static String hash(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)),
              0,
              8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {}
}

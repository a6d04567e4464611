package io.aralez.dataplane.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Makes test certificates with the openssl command, the way users make theirs. */
public final class OpenSsl {
  private OpenSsl() {}

  /** A self-signed certificate {@code dir/name.crt} + key {@code dir/name.key}. */
  public static void selfSigned(Path dir, String name, String keyType, String... dnsNames)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "2"));
    if (keyType.equals("ec")) {
      cmd.addAll(List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"));
    } else {
      cmd.addAll(List.of("-newkey", "rsa:2048"));
    }
    cmd.addAll(
        List.of(
            "-keyout",
            dir.resolve(name + ".key").toString(),
            "-out",
            dir.resolve(name + ".crt").toString(),
            "-subj",
            "/CN=" + dnsNames[0],
            "-addext",
            "subjectAltName=DNS:" + String.join(",DNS:", dnsNames)));
    run(cmd);
  }

  public static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
    }
  }
}

package io.aralez.bench;

import io.aralez.dataplane.config.MainConfig.TlsGrade;
import io.aralez.dataplane.tls.CertificateLoader;
import io.aralez.dataplane.tls.Certificates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loading one certificate pair into a TLS context (what a reload pays for each new or changed pair,
 * and start-up for each pair): parse, check the key against the certificate, build the OpenSSL
 * context. The pair is made with the openssl command, as users make theirs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CertificateBenchmark {
  @Param({"ec", "rsa"})
  public String keyType;

  Path folder;

  @Setup
  public void setup() throws IOException, InterruptedException {
    folder = Files.createTempDirectory("aralez-cert-bench");
    folder.toFile().deleteOnExit();
    List<String> cmd =
        keyType.equals("ec")
            ? List.of("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256")
            : List.of("-newkey", "rsa:2048");
    List<String> all = new ArrayList<>(List.of("openssl", "req", "-x509", "-nodes", "-days", "2"));
    all.addAll(cmd);
    all.addAll(
        List.of(
            "-keyout",
            folder.resolve("site.key").toString(),
            "-out",
            folder.resolve("site.crt").toString(),
            "-subj",
            "/CN=site.test"));
    Process p = new ProcessBuilder(all).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IOException("openssl failed: " + all);
    }
  }

  /** A fresh loader each time, so nothing comes from its cache of unchanged pairs. */
  @Benchmark
  public Certificates loadOnePair() {
    Certificates c = new CertificateLoader(folder, TlsGrade.MEDIUM, null).load();
    if (c.loaded().size() != 1) {
      throw new IllegalStateException("the pair did not load");
    }
    return c;
  }
}

package io.aralez.controller.snapshot;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.simpleName;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The snapshot package stays pure, enforced on its compiled classes: no Kubernetes client I/O (the
 * model classes are data and allowed, and so is {@code CustomResource}, the base of our CRD's
 * model), no gRPC, no network, no files, no environment, no clock, no randomness.
 */
@Tag("catalogue-2.14")
class SnapshotPurityTest {
  static final JavaClasses SNAPSHOT =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("io.aralez.controller.snapshot");

  @Test
  void noKubernetesClientIoNoGrpcNoNetworkNoFiles() {
    noClasses()
        .should()
        .dependOnClassesThat(
            resideInAnyPackage(
                    "io.fabric8.kubernetes.client..",
                    "io.grpc..",
                    "java.net..",
                    "java.nio.file..",
                    "java.io..",
                    "java.net.http..")
                .and(not(simpleName("CustomResource")))
                .and(not(simpleName("Serializable")))
                .and(not(simpleName("UncheckedIOException"))))
        .because("the snapshot is built from the caches alone; I/O happens at the edges")
        .check(SNAPSHOT);
  }

  @Test
  void noClockNoRandomnessNoEnvironment() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Clock")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.Instant")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.time.LocalDateTime")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.Random")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.UUID")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.security.SecureRandom")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .orShould()
        .callMethod(System.class, "currentTimeMillis")
        .orShould()
        .callMethod(System.class, "nanoTime")
        .orShould()
        .callMethod(System.class, "getenv", String.class)
        .orShould()
        .callMethod(System.class, "getenv")
        .orShould()
        .callMethod(System.class, "getProperty", String.class)
        .because("equal caches must give equal bytes (the version is their hash)")
        .check(SNAPSHOT);
  }
}

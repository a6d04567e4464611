package io.aralez.dataplane.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The data plane's shape, checked on its compiled classes: packages depend one way only, and the
 * decisions about a request (admission, the request view, routing's input) never touch a codec.
 */
class PackageRulesTest {
  private static JavaClasses classes;

  @BeforeAll
  static void load() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.aralez.dataplane");
  }

  @Test
  void packagesHaveNoCycles() {
    slices().matching("io.aralez.dataplane.(*)..").should().beFreeOfCycles().check(classes);
  }

  @Test
  void admissionAndRequestViewAreNettyFree() {
    noClasses()
        .that()
        .resideInAnyPackage("io.aralez.dataplane.admission..", "io.aralez.dataplane.request..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("io.netty..")
        .because("policies are decided on a codec-free view of the request")
        .check(classes);
  }

  @Test
  void theProxyCoreDoesNotReachIntoTheServer() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "io.aralez.dataplane.proxy..",
            "io.aralez.dataplane.upstream..",
            "io.aralez.dataplane.admission..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("io.aralez.dataplane.server..", "io.aralez.dataplane.admin..")
        .check(classes);
  }
}

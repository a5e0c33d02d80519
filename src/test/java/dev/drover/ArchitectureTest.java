package dev.drover;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the package table of the design true: data flows one way, nothing imports cli. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.drover");
  }

  private static void mayImportOnly(String pkg, String... allowed) {
    String[] others = java.util.Arrays.stream(new String[] {
        "config", "wire", "render", "worker", "runtime", "balancer", "supervisor", "dashboard", "control", "cli"})
        .filter(p -> !p.equals(pkg) && !java.util.Arrays.asList(allowed).contains(p))
        .map(p -> "dev.drover." + p + "..")
        .toArray(String[]::new);
    noClasses().that().resideInAPackage("dev.drover." + pkg + "..")
        .should().dependOnClassesThat().resideInAnyPackage(others)
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void configImportsOnlyTheJdkAndTomlj() {
    mayImportOnly("config");
    noClasses().that().resideInAPackage("dev.drover.config..")
        .should().dependOnClassesThat().resideInAnyPackage("io.undertow..", "org.xnio..", "com.fasterxml..",
            "picocli..", "com.samskivert..")
        .check(classes);
  }

  @Test
  void eachPackageImportsOnlyWhatTheDesignAllows() {
    mayImportOnly("render", "config");
    mayImportOnly("wire", "config");
    mayImportOnly("worker", "config", "wire");
    mayImportOnly("runtime", "config", "wire");
    mayImportOnly("balancer", "config");
    mayImportOnly("supervisor", "config", "wire", "runtime", "balancer", "render");
    mayImportOnly("dashboard", "supervisor", "balancer", "config");
    mayImportOnly("control", "supervisor", "dashboard", "config", "wire");
  }

  @Test
  void onlyTheDockerRuntimeTalksToDocker() {
    noClasses().that().resideOutsideOfPackage("dev.drover.runtime.docker..")
        .should().dependOnClassesThat().resideInAnyPackage("com.github.dockerjava..")
        .check(classes);
  }

  @Test
  void nothingImportsCli() {
    noClasses().that().resideOutsideOfPackage("dev.drover.cli..")
        .should().dependOnClassesThat().resideInAPackage("dev.drover.cli..")
        .check(classes);
  }

  @Test
  void noCycles() {
    slices().matching("dev.drover.(*)..").should().beFreeOfCycles().check(classes);
  }
}

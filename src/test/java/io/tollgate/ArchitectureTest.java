package io.tollgate;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import org.junit.jupiter.api.Test;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/** Dependencies point one way: nothing uses proxy or admin; the simulator stands alone. */
class ArchitectureTest {

    private final JavaClasses classes = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.tollgate");

    @Test
    void nothingDependsOnProxyOrAdmin() {
        noClasses().that().resideOutsideOfPackages("io.tollgate.proxy..", "io.tollgate.admin..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.proxy..", "io.tollgate.admin..")
                .check(classes);
        noClasses().that().resideInAPackage("io.tollgate.proxy..")
                .should().dependOnClassesThat().resideInAPackage("io.tollgate.admin..").check(classes);
        noClasses().that().resideInAPackage("io.tollgate.admin..")
                .should().dependOnClassesThat().resideInAPackage("io.tollgate.proxy..").check(classes);
    }

    @Test
    void adminUsesOnlyTenantKeyAndUsageFeatures() {
        noClasses().that().resideInAPackage("io.tollgate.admin..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.auth..", "io.tollgate.upstream..",
                        "io.tollgate.simulator..")
                .check(classes);
    }

    @Test
    void theSimulatorDependsOnNothingOfTheGateway() {
        noClasses().that().resideInAPackage("io.tollgate.simulator..")
                .should().dependOnClassesThat().resideInAnyPackage("io.tollgate.proxy..", "io.tollgate.auth..",
                        "io.tollgate.usage..", "io.tollgate.upstream..", "io.tollgate.apikey..", "io.tollgate.tenant..",
                        "io.tollgate.admin..", "io.tollgate.error..", "io.tollgate.platform..")
                .check(classes);
    }

    @Test
    void featuresHaveNoCycles() {
        slices().matching("io.tollgate.(*)..").should().beFreeOfCycles().check(classes);
    }
}

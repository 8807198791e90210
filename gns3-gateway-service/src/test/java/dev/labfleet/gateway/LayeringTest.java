package dev.labfleet.gateway;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The gateway's layering, as a test. Its REST API's records live in common-api ({@code dev.labfleet.common.gns3}, so
 * callers share them) and in {@code dev.labfleet.gateway.rest}; only the REST layer sees them: it maps them to and
 * from the service layer's own records, so the API can change without touching business logic and the reverse.
 */
class LayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.labfleet.gateway");

    @Test
    void serviceAndMessagingDoNotDependOnRestRecords() {
        noClasses().that().resideInAnyPackage("dev.labfleet.gateway.service..", "dev.labfleet.gateway.messaging..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.labfleet.gateway.rest..",
                        "dev.labfleet.common.gns3..")
                .because("the REST layer maps its API records to the service layer's own records")
                .check(CLASSES);
    }

    @Test
    void onlyTheRestLayerSeesTheApiRecords() {
        noClasses().that().resideOutsideOfPackage("dev.labfleet.gateway.rest..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.labfleet.gateway.rest..",
                        "dev.labfleet.common.gns3..")
                .because("client, repository, domain, config and health code is below the API, too")
                .check(CLASSES);
    }
}

package dev.labfleet.project;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * project-service's layering, as a test: the REST layer's records ({@code dev.labfleet.project.rest}) are seen only
 * there. Resources map them to and from the service layer's own records, so the API can change without touching
 * business logic, events or the fleet moves, and the reverse.
 */
class LayeringTest {

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.labfleet.project");

    @Test
    void serviceAndMessagingDoNotDependOnRestRecords() {
        noClasses().that().resideInAnyPackage("dev.labfleet.project.service..", "dev.labfleet.project.messaging..")
                .should().dependOnClassesThat().resideInAPackage("dev.labfleet.project.rest..")
                .because("the REST layer maps its API records to the service layer's own records")
                .check(CLASSES);
    }

    @Test
    void onlyTheRestLayerSeesTheApiRecords() {
        noClasses().that().resideOutsideOfPackage("dev.labfleet.project.rest..")
                .should().dependOnClassesThat().resideInAPackage("dev.labfleet.project.rest..")
                .because("fleet moves, clients, repositories and the domain are below the API, too")
                .check(CLASSES);
    }
}

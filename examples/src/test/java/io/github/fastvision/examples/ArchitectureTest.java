package io.github.fastvision.examples;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.GeneralCodingRules;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module and package structure as rules over every main class of every module (this module sees
 * them all): no package cycles, no family importing another, no console output from the libraries,
 * no module importing one above it.
 */
class ArchitectureTest {

    private static final String ROOT = "io.github.fastvision";

    /** The model families, each a package in core-ops and in models. */
    private static final Set<String> FAMILIES =
            Set.of("fasternet", "convnext", "rexnet", "resnet", "vit", "hrnet", "cifar");

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes =
                new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        // JMH's generated harness is not code of ours.
                        .withImportOption(location -> !location.contains("/jmh_generated/"))
                        .importPackages(ROOT);
    }

    @Test
    void theImportSeesEveryModule() {
        for (String module :
                List.of(
                        "core",
                        "models",
                        "training",
                        "onnx",
                        "pruning",
                        "benchmarks",
                        "spark",
                        "examples")) {
            String pkg = ROOT + "." + module;
            assertTrue(
                    classes.stream().anyMatch(c -> c.getPackageName().startsWith(pkg)),
                    "no class of " + pkg + " imported, so no rule would see it");
        }
    }

    @Test
    void packagesFormNoCycle() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void noFamilyImportsAnother() {
        SliceAssignment families =
                new SliceAssignment() {
                    @Override
                    public SliceIdentifier getIdentifierOf(JavaClass c) {
                        String[] p = c.getPackageName().split("\\.");
                        boolean family =
                                p.length >= 5
                                        && (p[3].equals("core") || p[3].equals("models"))
                                        && FAMILIES.contains(p[4]);
                        return family ? SliceIdentifier.of(p[4]) : SliceIdentifier.ignore();
                    }

                    @Override
                    public String getDescription() {
                        return "model families (core and models packages of one family)";
                    }
                };
        slices().assignedFrom(families).should().notDependOnEachOther().check(classes);
    }

    @Test
    void librariesDoNotPrintToTheConsole() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        ROOT + ".core..",
                        ROOT + ".models..",
                        ROOT + ".training..",
                        ROOT + ".onnx..",
                        ROOT + ".pruning..",
                        ROOT + ".spark..")
                .should(GeneralCodingRules.ACCESS_STANDARD_STREAMS)
                .because("a library logs through SLF4J or returns results; printing is the CLI's")
                .check(classes);
    }

    @Test
    void noModuleImportsOneAboveIt() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("core-ops")
                .definedBy(ROOT + ".core..")
                .layer("models")
                .definedBy(ROOT + ".models..")
                .layer("training")
                .definedBy(ROOT + ".training..")
                .layer("onnx")
                .definedBy(ROOT + ".onnx..")
                .layer("pruning")
                .definedBy(ROOT + ".pruning..")
                .layer("benchmarks")
                .definedBy(ROOT + ".benchmarks..")
                .layer("spark")
                .definedBy(ROOT + ".spark..")
                .layer("examples")
                .definedBy(ROOT + ".examples..")
                .whereLayer("examples")
                .mayNotBeAccessedByAnyLayer()
                .whereLayer("benchmarks")
                .mayOnlyBeAccessedByLayers("examples")
                .whereLayer("spark")
                .mayOnlyBeAccessedByLayers("examples")
                .whereLayer("pruning")
                .mayOnlyBeAccessedByLayers("examples")
                .whereLayer("onnx")
                .mayOnlyBeAccessedByLayers("benchmarks", "spark", "examples")
                .whereLayer("training")
                .mayOnlyBeAccessedByLayers("pruning", "spark", "examples")
                .whereLayer("models")
                .mayOnlyBeAccessedByLayers(
                        "training", "onnx", "pruning", "benchmarks", "spark", "examples")
                .check(classes);
    }
}

package io.customerpulse.tools.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The modules' direction (README, "Layout"): the job — everything under {@code io.customerpulse}
 * outside {@code tools} and {@code testkit} — depends on neither; the test kit knows nothing of the
 * job or the tools. The Maven modules already make such a dependency fail to compile unless a pom
 * adds it; this says so in a test, over the classes the tools see.
 */
@AnalyzeClasses(packages = "io.customerpulse", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String TOOLS = "io.customerpulse.tools..";
    private static final String TEST_KIT = "io.customerpulse.testkit..";

    @ArchTest
    static final ArchRule theJobUsesNoToolAndNoTestKit =
            noClasses()
                    .that()
                    .resideOutsideOfPackages(TOOLS, TEST_KIT)
                    .should()
                    .dependOnClassesThat()
                    .resideInAnyPackage(TOOLS, TEST_KIT);

    @ArchTest
    static final ArchRule theTestKitKnowsNeitherTheJobNorTheTools =
            noClasses()
                    .that()
                    .resideInAPackage(TEST_KIT)
                    .should()
                    .dependOnClassesThat()
                    .resideOutsideOfPackages(
                            TEST_KIT,
                            "java..",
                            "javax..",
                            "org..",
                            "com..",
                            "io.zonky..",
                            "kafka..",
                            "scala..");
}

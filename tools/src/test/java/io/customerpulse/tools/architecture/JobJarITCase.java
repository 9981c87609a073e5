package io.customerpulse.tools.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The deployable job jar holds the job and its runtime libraries: no tool, no test kit. */
class JobJarITCase {
    @Test
    void holdsTheJobAndNoToolOrTestKit() throws Exception {
        Path jar = Path.of(System.getProperty("job.jar"));
        assertThat(jar).exists();
        List<String> entries;
        try (JarFile file = new JarFile(jar.toFile())) {
            entries = file.stream().map(ZipEntry::getName).toList();
        }
        assertThat(entries)
                .contains(
                        "io/customerpulse/CustomerPulseJob.class",
                        "io/customerpulse/profile/CustomerProfileOperator.class");
        assertThat(entries)
                .filteredOn(
                        e ->
                                e.startsWith("io/customerpulse/tools/")
                                        || e.startsWith("io/customerpulse/testkit/")
                                        // the embedded broker and database, JMH, the test utils
                                        || e.startsWith("kafka/server/")
                                        || e.startsWith("io/zonky/")
                                        || e.startsWith("org/openjdk/jmh/")
                                        || e.startsWith("org/apache/flink/test/"))
                .isEmpty();
        System.out.printf("job jar: %s, %,d bytes%n", jar.getFileName(), Files.size(jar));
    }
}

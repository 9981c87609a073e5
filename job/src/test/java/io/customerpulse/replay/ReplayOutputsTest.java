package io.customerpulse.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayOutputsTest {
    @TempDir Path dir;

    /**
     * A customer expired and came back: their new history starts again at version 1, and its
     * profile is the latest (by updated_at, then version), as the PostgreSQL sink keeps it.
     */
    @Test
    void shouldKeepTheNewestStepOfACustomerNotTheHighestVersion() throws Exception {
        Path parts = Files.createDirectories(dir.resolve(".parts"));
        Files.write(
                parts.resolve(ReplayOutputs.PROFILES + "-0"),
                List.of(
                        "{\"customer_id\":\"c\",\"version\":1,"
                                + "\"updated_at\":\"2027-06-01T00:00:00Z\",\"expired_at\":null}",
                        "{\"customer_id\":\"c\",\"version\":9,"
                                + "\"updated_at\":\"2027-01-01T00:00:00Z\","
                                + "\"expired_at\":\"2027-01-01T00:00:00Z\"}",
                        "{\"customer_id\":\"d\",\"version\":2,"
                                + "\"updated_at\":\"2025-01-01T00:00:00Z\",\"expired_at\":null}",
                        "{\"customer_id\":\"d\",\"version\":3,"
                                + "\"updated_at\":\"2025-01-01T00:00:00Z\",\"expired_at\":null}"));
        ReplayOutputs.write(parts, dir);
        assertThat(Files.readAllLines(dir.resolve(ReplayOutputs.PROFILES + ".jsonl")))
                .extracting(
                        l ->
                                l.replaceAll(
                                        ".*\"customer_id\":\"(\\w)\",\"version\":(\\d+).*",
                                        "$1 $2"))
                .containsExactly("c 1", "d 3");
    }
}

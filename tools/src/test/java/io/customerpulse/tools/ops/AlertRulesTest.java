package io.customerpulse.tools.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules (deploy/prometheus) as Prometheus reads them: {@code promtool check rules}, and
 * {@code promtool test rules} with the unit tests beside them (each alert quiet below its threshold
 * and firing above it). promtool comes with Debian's prometheus package, which scripts/test
 * installs when it is missing.
 */
class AlertRulesTest {
    private static final Path RULES = Path.of("deploy/prometheus");

    @Test
    void shouldBeValidRules() throws Exception {
        String out = promtool("check", "rules", "customer-pulse-alerts.yml");
        assertThat(out).contains("SUCCESS: 11 rules found");
    }

    @Test
    void shouldPassTheirUnitTests() throws Exception {
        String out = promtool("test", "rules", "customer-pulse-alerts.test.yml");
        assertThat(out).contains("SUCCESS").doesNotContain("FAILED");
    }

    private static String promtool(String... args) throws IOException, InterruptedException {
        Path promtool = Path.of("/usr/bin/promtool");
        assertThat(promtool)
                .as("promtool (Debian's prometheus package: scripts/test installs it)")
                .isExecutable();
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(args));
        Process p =
                new ProcessBuilder(command)
                        .directory(RULES.toFile())
                        .redirectErrorStream(true)
                        .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }
}

package io.customerpulse.tools.local;

import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.Topics;
import io.customerpulse.postgres.Migrations;
import io.customerpulse.testkit.EmbeddedKafka;
import io.customerpulse.testkit.LocalPostgres;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The infrastructure of {@code scripts/cluster} as its own process: a real Kafka broker and a real
 * PostgreSQL on loopback, topics created and schema migrated. Writes the job parameters that reach
 * them to {@code <dir>/infra.properties}, then runs until stopped (SIGTERM stops both).
 */
public final class Infra {
    private Infra() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/cluster");
        Files.createDirectories(dir);
        EmbeddedKafka kafka = EmbeddedKafka.start();
        LocalPostgres postgres = LocalPostgres.start(dir.resolve("postgres"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    try {
                                        kafka.close();
                                        postgres.close();
                                    } catch (Exception e) {
                                        System.err.println("stopping: " + e);
                                    }
                                    stopped.countDown();
                                }));
        String jdbc = postgres.database("customer_pulse");
        Map<String, String> settings =
                Map.of(
                        "kafka.bootstrap-servers",
                        kafka.bootstrapServers(),
                        "postgres.url",
                        jdbc,
                        "postgres.user",
                        "postgres");
        JobConfig config = JobConfig.parse(settings);
        Topics.create(config.kafka(), 2, (short) 1);
        Migrations.migrate(config.postgres());
        Path file = dir.resolve("infra.properties");
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (Map.Entry<String, String> e : settings.entrySet()) {
                w.write(e.getKey() + "=" + e.getValue() + "\n");
            }
        }
        System.out.println("infra ready: " + file);
        stopped.await();
    }
}

package io.customerpulse.tools.e2e;

import static io.customerpulse.tools.e2e.LiveStack.await;
import static io.customerpulse.tools.e2e.LiveStack.produce;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.customerpulse.CustomerPulseJob;
import io.customerpulse.avro.CustomerProfile;
import io.customerpulse.config.JobConfig;
import io.customerpulse.kafka.EnvSecrets;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.kafka.ReleasedSchemas;
import io.customerpulse.kafka.Topics;
import io.customerpulse.postgres.PostgresSettings;
import io.customerpulse.testing.EventJson;
import io.customerpulse.testing.Flink;
import io.customerpulse.testkit.EmbeddedKafka;
import io.customerpulse.testkit.LocalPostgres;
import io.customerpulse.testkit.TopicReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.InstantiationUtil;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job against a real broker that takes SASL (PLAIN) only, its secret in the environment
 * (failsafe sets {@code CUSTOMER_PULSE_KAFKA_SASL_JAAS_CONFIG} for this JVM, where the
 * MiniCluster's TaskManager runs): it reads and writes, and the secret is not in the job graph it
 * submits.
 */
@Timeout(300)
class SecretsITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = Flink.miniCluster();

    @TempDir Path dir;

    @Test
    void shouldRunOnASaslBrokerWithTheSecretReadWhereTheClientsOpenAndNotInTheJobGraph()
            throws Exception {
        assertThat(System.getenv(KafkaSettings.JAAS_ENV)).contains(EmbeddedKafka.SASL_PASSWORD);
        try (EmbeddedKafka kafka = EmbeddedKafka.startSasl();
                LocalPostgres postgres = LocalPostgres.start(dir.resolve("pg"))) {
            LocalPostgres.Login login = postgres.requirePasswords("secrets", "pulse_job");
            String db = postgres.url("secrets");
            Properties noPassword = new Properties();
            noPassword.setProperty("user", login.user());
            assertThatThrownBy(() -> DriverManager.getConnection(db, noPassword).close())
                    .hasMessageContaining("password");
            try (Connection c = DriverManager.getConnection(db, login.properties());
                    ResultSet r =
                            c.createStatement()
                                    .executeQuery(
                                            "SELECT rolsuper FROM pg_roles WHERE rolname ="
                                                    + " current_user")) {
                assertThat(r.next()).isTrue();
                assertThat(r.getBoolean(1)).isFalse();
            }
            System.setProperty(PostgresSettings.PASSWORD_PROPERTY, login.password());

            Map<String, String> s = new HashMap<>();
            s.put("mode", "live");
            s.put("kafka.bootstrap-servers", kafka.bootstrapServers());
            s.put("kafka.topic-prefix", "sasl.");
            s.put("kafka.group-id", "sasl.job");
            s.put("kafka.transactional-id-prefix", "sasl.job");
            s.put("kafka.starting-offsets", "earliest");
            s.put("kafka.security-protocol", "SASL_PLAINTEXT");
            s.put("kafka.sasl-mechanism", "PLAIN");
            s.put("postgres.url", db);
            s.put("postgres.user", login.user());
            s.put("watermark.idleness", "1 s");
            s.put("watermark.max-out-of-orderness", "1 s");
            s.put("job.parallelism", "1");
            JobConfig config = JobConfig.parse(s);

            // the broker refuses a client without the secret
            Properties wrong = config.kafka().clientProperties();
            wrong.setProperty(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"plain-user1\" password=\"wrong\";");
            try (Admin admin = Admin.create(wrong)) {
                assertThatThrownBy(() -> admin.listTopics().names().get())
                        .hasRootCauseInstanceOf(
                                org.apache.kafka.common.errors.SaslAuthenticationException.class);
            }
            Topics.create(config.kafka(), 1, (short) 1);
            produce(
                    config.kafka(),
                    List.of(
                            EventJson.order("s1")
                                    .customer("sasl-1")
                                    .at(Instant.now().minusSeconds(3_600))
                                    .with("order_id", "S1")
                                    .amount("total_minor", 4_200, "USD")
                                    .json()));

            Configuration flink = new Configuration();
            flink.setString("execution.checkpointing.interval", "1 s");
            flink.setString("execution.checkpointing.dir", dir.resolve("cp").toUri().toString());
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(flink);
            CustomerPulseJob.buildLive(env, config);
            JobGraph graph = env.getStreamGraph(false).getJobGraph();
            String serialized =
                    new String(
                            InstantiationUtil.serializeObject(graph), StandardCharsets.ISO_8859_1);
            assertThat(serialized)
                    .doesNotContain(EmbeddedKafka.SASL_PASSWORD)
                    .doesNotContain(login.password())
                    .contains(EnvSecrets.reference(KafkaSettings.JAAS_ENV));

            JobClient job = env.executeAsync("customer-pulse sasl");
            try {
                CustomerProfile p =
                        await(
                                "the profile on the SASL broker",
                                () ->
                                        TopicReader.readCommitted(
                                                        config.kafka().clientProperties(),
                                                        config.kafka()
                                                                .topic(KafkaSettings.PROFILES),
                                                        CustomerProfile.class,
                                                        ReleasedSchemas.released())
                                                .stream()
                                                .filter(r -> r.getCustomerId().equals("sasl-1"))
                                                .findFirst()
                                                .orElse(null));
                assertThat(p.getGmvMinor()).isEqualTo(4_200);
                long gmv =
                        await(
                                "the row written as the job's role",
                                () -> {
                                    try (Connection c =
                                                    DriverManager.getConnection(
                                                            db, login.properties());
                                            ResultSet r =
                                                    c.createStatement()
                                                            .executeQuery(
                                                                    "SELECT gmv_minor FROM"
                                                                            + " customer_profile")) {
                                        return r.next() ? r.getLong(1) : null;
                                    }
                                });
                assertThat(gmv).isEqualTo(4_200);
            } finally {
                job.cancel().get();
                System.clearProperty(PostgresSettings.PASSWORD_PROPERTY);
            }
        }
    }
}

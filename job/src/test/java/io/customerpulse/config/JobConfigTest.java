package io.customerpulse.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JobConfigTest {
    @Test
    void shouldHaveTheDesignDefaults() {
        JobConfig c = JobConfig.defaults();
        assertThat(c.replayMode()).isFalse();
        assertThat(c.reportingCurrency()).isEqualTo("USD");
        assertThat(c.segments().churnAfter()).isEqualTo(Duration.ofDays(60));
        assertThat(c.segments().ordersWindow()).isEqualTo(Duration.ofDays(90));
        assertThat(c.segments().highValueMinClvMinor()).isEqualTo(15_000);
        assertThat(c.segments().highValueMaxReturnRate()).isEqualTo(0.05);
        assertThat(c.validation().maxAmountMinor()).isEqualTo(100_000_000L);
        assertThat(c.validation().minEventTime()).isEqualTo(Instant.parse("1990-01-01T00:00:00Z"));
        assertThat(c.watermarks().maxOutOfOrderness()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.maxParallelism()).isEqualTo(128);
        assertThat(c.horizonMillis()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldAcceptFlinkAndIsoDurations() {
        JobConfig c =
                JobConfig.parse(
                        Map.of(
                                "segments.churn-after",
                                "P30D",
                                "watermark.max-out-of-orderness",
                                "5 min"));
        assertThat(c.segments().churnAfter()).isEqualTo(Duration.ofDays(30));
        assertThat(c.watermarks().maxOutOfOrderness()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        assertThatThrownBy(() -> JobConfig.parse(Map.of("segments.churn-after", "sixty days")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("segments.churn-after");
        assertThatThrownBy(() -> JobConfig.parse(Map.of("currency.rates", "EUR=abc")))
                .hasMessageContaining("currency.rates");
        assertThatThrownBy(() -> JobConfig.parse(Map.of("reporting-currency", "XYZ1")))
                .hasMessageContaining("reporting-currency");
        assertThatThrownBy(() -> JobConfig.parse(Map.of("replay.as-of", "yesterday")))
                .hasMessageContaining("replay.as-of");
    }

    @Test
    void shouldRefuseADurationWithoutAUnit() {
        // Flink's own parser reads "60" as 60 ms: a churn limit of a minute would pass unseen
        assertThatThrownBy(() -> JobConfig.parse(Map.of("segments.churn-after", "60")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "configuration key 'segments.churn-after': '60' has no unit: give one,"
                                + " e.g. '60s' or '60 min'");
        assertThat(JobConfig.parse(Map.of("watermark.idleness", "0 ms")).watermarks().idleness())
                .isZero();
        assertThat(JobConfig.parse(Map.of("watermark.idleness", "0")).watermarks().idleness())
                .isZero(); // nothing to mistake
    }

    @Test
    void shouldRejectAnUnknownKey() {
        assertThatThrownBy(() -> JobConfig.parse(Map.of("segments.churn-afer", "60 d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("segments.churn-afer")
                .hasMessageContaining("unknown");
    }

    @Test
    void shouldDocumentEveryKeyInTheReadme() throws Exception {
        String readme = java.nio.file.Files.readString(java.nio.file.Path.of("README.md"));
        for (ConfigKey k : ConfigKey.values()) {
            assertThat(readme).as(k.key()).contains("| `" + k.key() + "` |");
        }
    }

    @Test
    void shouldPassKafkaClientPropertiesThrough() {
        JobConfig c =
                JobConfig.parse(
                        Map.of(
                                "kafka.properties.ssl.truststore.location", "/etc/kafka/trust.jks",
                                "kafka.properties.request.timeout.ms", " 45000 ",
                                "kafka.security-protocol", "SSL"));
        java.util.Properties p = c.kafka().clientProperties();
        assertThat(p.getProperty("ssl.truststore.location")).isEqualTo("/etc/kafka/trust.jks");
        assertThat(p.getProperty("request.timeout.ms")).isEqualTo("45000");
        assertThat(p.getProperty("security.protocol")).isEqualTo("SSL");
    }

    @Test
    void shouldRefuseAPassThroughOfWhatTheJobSetsItself() {
        assertThatThrownBy(
                        () ->
                                JobConfig.parse(
                                        Map.of(
                                                "kafka.properties.bootstrap.servers",
                                                "elsewhere:9092")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.properties.bootstrap.servers")
                .hasMessageContaining("kafka.bootstrap-servers");
        assertThatThrownBy(
                        () ->
                                JobConfig.parse(
                                        Map.of("kafka.properties.sasl.jaas.config", "secret")))
                .hasMessageContaining("CUSTOMER_PULSE_KAFKA_SASL_JAAS_CONFIG");
        assertThatThrownBy(() -> JobConfig.parse(Map.of("kafka.properties.", "x")))
                .hasMessageContaining("names no Kafka client property");
    }

    /** Ids are kept in state with a two-byte length: a longer limit would corrupt them. */
    @Test
    void shouldRefuseAnIdLengthStateCannotHold() {
        assertThatThrownBy(() -> JobConfig.parse(Map.of("validation.max-id-length", "30000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("validation.max-id-length")
                .hasMessageContaining("16384");
        assertThat(JobConfig.parse(Map.of("validation.max-id-length", "16384"))).isNotNull();
    }

    /** Refunds are capped only while an order is remembered: not shorter than the return window. */
    @Test
    void shouldRefuseAnOrderRetentionShorterThanTheReturnWindow() {
        assertThatThrownBy(() -> JobConfig.parse(Map.of("dedup.order-retention", "30 d")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dedup.order-retention")
                .hasMessageContaining("attribution.return-window");
        assertThat(
                        JobConfig.parse(
                                        Map.of(
                                                "dedup.order-retention", "30 d",
                                                "attribution.return-window", "30 d"))
                                .dedup()
                                .orderRetention())
                .isEqualTo(java.time.Duration.ofDays(30));
    }

    /**
     * A TLS password given as a value would be serialized into the job graph with the sources and
     * sinks: only a config-provider reference is taken, resolved where the client opens.
     */
    @Test
    void shouldTakeAKafkaPasswordOnlyAsAConfigProviderReference() {
        for (String name :
                List.of("ssl.keystore.password", "ssl.key.password", "ssl.truststore.password")) {
            assertThatThrownBy(() -> JobConfig.parse(Map.of("kafka.properties." + name, "hunter2")))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("kafka.properties." + name)
                    .hasMessageContaining("is a secret")
                    .hasMessageNotContaining("hunter2");
        }
        JobConfig config =
                JobConfig.parse(
                        Map.of(
                                "kafka.properties.config.providers", "file",
                                "kafka.properties.ssl.keystore.password",
                                        "${file:/etc/kafka/secrets.properties:keystore}",
                                "kafka.properties.ssl.keystore.location", "/etc/kafka/ks.p12"));
        assertThat(config.kafka().clientProperties())
                .containsEntry(
                        "ssl.keystore.password", "${file:/etc/kafka/secrets.properties:keystore}")
                .containsEntry("ssl.keystore.location", "/etc/kafka/ks.p12");
    }
}

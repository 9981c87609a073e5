package io.customerpulse.kafka;

import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka connection and topic settings. The SASL JAAS configuration, a secret, is read from the
 * environment ({@code CUSTOMER_PULSE_KAFKA_SASL_JAAS_CONFIG}) of the process where a Kafka client
 * opens ({@link EnvSecrets}), never from a file in the repo and never into the job graph; any other
 * client property comes through {@code kafka.properties.*} ({@code passThrough}).
 */
public record KafkaSettings(
        String bootstrapServers,
        String topicPrefix,
        String groupId,
        String startingOffsets,
        boolean bounded,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        String securityProtocol,
        String saslMechanism,
        String schemaDirectory,
        Map<String, String> passThrough)
        implements Serializable {

    public static final String JAAS_ENV = "CUSTOMER_PULSE_KAFKA_SASL_JAAS_CONFIG";

    /** Input topics. */
    public static final String ORDERS = "orders";

    public static final String RETURNS = "returns";
    public static final String AD_EVENTS = "ad-events";
    public static final String INTERACTIONS = "interactions";
    public static final String SHIPMENTS = "shipments";

    /** Erasure requests (DESIGN section 13; scripts/erase). */
    public static final String ERASURES = "customer-erasure";

    /** CLV models, written by scripts/fit-clv and read by the job. */
    public static final String CLV_MODELS = "clv-models";

    /** Output topics. */
    public static final String PROFILES = "customer-profiles";

    public static final String SEGMENT_CHANGES = "segment-changes";
    public static final String CHURN_ALERTS = "churn-alerts";
    public static final String CUSTOMER_ACTIONS = "customer-actions";
    public static final String SELLER_HEALTH = "seller-health";
    public static final String SELLER_HEALTH_ALERTS = "seller-health-alerts";
    public static final String CAMPAIGN_METRICS = "campaign-metrics";
    public static final String LATE_EVENTS = "late-events";
    public static final String DEAD_LETTER = "dead-letter";

    /** The full name of a topic. */
    public String topic(String name) {
        return topicPrefix + name;
    }

    /**
     * Client properties every producer, consumer and admin client gets: the {@code
     * kafka.properties.*} pass-through first, then the job's own (which the pass-through may not
     * name).
     */
    public Properties clientProperties() {
        Properties p = new Properties();
        passThrough.forEach(p::setProperty);
        p.setProperty("bootstrap.servers", bootstrapServers);
        p.setProperty("security.protocol", securityProtocol);
        if (!saslMechanism.isEmpty()) {
            p.setProperty("sasl.mechanism", saslMechanism);
            // a reference, resolved by the Kafka client where it opens: the secret is read there,
            // from that process's environment, and never serialized into the job graph
            String providers = p.getProperty("config.providers", "");
            p.setProperty(
                    "config.providers",
                    providers.isBlank() ? EnvSecrets.NAME : providers + "," + EnvSecrets.NAME);
            p.setProperty(
                    "config.providers." + EnvSecrets.NAME + ".class", EnvSecrets.class.getName());
            p.setProperty("sasl.jaas.config", EnvSecrets.reference(JAAS_ENV));
        }
        return p;
    }
}

package io.customerpulse.kafka;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.provider.ConfigProvider;

/**
 * A Kafka {@link ConfigProvider} that reads a secret from the environment of the process where the
 * Kafka client is created: {@code sasl.jaas.config=${customerpulse:NAME}} in the client properties
 * is resolved on the TaskManager (and, for the source's enumerator, the JobManager) when the client
 * opens, so the secret itself is never part of the job graph. Unlike Kafka's own {@code
 * EnvVarConfigProvider}, a missing variable is an error naming it (Kafka's would leave the {@code
 * ${...}} text in place and the JAAS parser would fail without saying why), and only the job's own
 * secret variables can be read.
 */
public final class EnvSecrets implements ConfigProvider {
    /** The provider's name in {@code config.providers}. */
    public static final String NAME = "customerpulse";

    private static final Set<String> ALLOWED = Set.of(KafkaSettings.JAAS_ENV);

    /** The reference to put in a client property: resolved where the client opens. */
    public static String reference(String variable) {
        return "${" + NAME + ":" + variable + "}";
    }

    @Override
    public void configure(Map<String, ?> configs) {}

    @Override
    public ConfigData get(String path) {
        return new ConfigData(Map.of());
    }

    @Override
    public ConfigData get(String path, Set<String> keys) {
        Map<String, String> values = new HashMap<>();
        for (String key : keys) {
            if (!ALLOWED.contains(key)) {
                throw new ConfigException("the job reads no secret named " + key);
            }
            String value = System.getenv(key);
            if (value == null || value.isBlank()) {
                throw new ConfigException(
                        "kafka.sasl-mechanism is set but the environment variable "
                                + key
                                + " is empty in this process: set it on the JobManager and on"
                                + " every TaskManager");
            }
            values.put(key, value);
        }
        return new ConfigData(values);
    }

    @Override
    public void close() {}
}

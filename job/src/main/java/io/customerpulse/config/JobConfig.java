package io.customerpulse.config;

import io.customerpulse.attribution.AttributionSettings;
import io.customerpulse.campaign.CampaignSettings;
import io.customerpulse.clv.ClvSettings;
import io.customerpulse.health.SellerHealthSettings;
import io.customerpulse.ingest.ValidationSettings;
import io.customerpulse.kafka.KafkaSettings;
import io.customerpulse.postgres.PostgresSettings;
import io.customerpulse.profile.ActionSettings;
import io.customerpulse.profile.ProfileCacheSettings;
import io.customerpulse.profile.SegmentThresholds;
import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Currency;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.util.TimeUtils;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The job's parameters, parsed once from kebab-case keys ({@link ConfigKey}) into typed values.
 * Every problem is reported at start-up with the key that caused it.
 */
public record JobConfig(
        boolean replayMode,
        String reportingCurrency,
        WatermarkSettings watermarks,
        ValidationSettings validation,
        DedupSettings dedup,
        SegmentThresholds segments,
        ActionSettings actions,
        Duration alertsMaxAge,
        RetentionSettings retention,
        SellerHealthSettings sellerHealth,
        int maxReturnedOrderIds,
        ProfileCacheSettings profileCache,
        AttributionSettings attribution,
        CampaignSettings campaigns,
        ClvSettings clv,
        KafkaSettings kafka,
        PostgresSettings postgres,
        int parallelism,
        int maxParallelism,
        Instant asOf)
        implements Serializable {

    /** Defaults only. */
    public static JobConfig defaults() {
        return parse(Map.of());
    }

    /**
     * {@code kafka.properties.NAME=VALUE}: the Kafka client property NAME for every producer,
     * consumer and admin client of the job (TLS trust and key stores, timeouts, ...).
     */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.properties.";

    /** Client properties the job sets itself, and why a pass-through may not change them. */
    private static final Map<String, String> KAFKA_OWN =
            Map.of(
                    "bootstrap.servers", "is set by " + ConfigKey.KAFKA_BOOTSTRAP.key(),
                    "security.protocol", "is set by " + ConfigKey.KAFKA_SECURITY_PROTOCOL.key(),
                    "sasl.mechanism", "is set by " + ConfigKey.KAFKA_SASL_MECHANISM.key(),
                    "sasl.jaas.config",
                            "is a secret: set the environment variable "
                                    + io.customerpulse.kafka.KafkaSettings.JAAS_ENV,
                    "transactional.id",
                            "is set by " + ConfigKey.KAFKA_TRANSACTIONAL_ID_PREFIX.key(),
                    "transaction.timeout.ms",
                            "is set by " + ConfigKey.KAFKA_TRANSACTION_TIMEOUT.key(),
                    "group.id", "is set by " + ConfigKey.KAFKA_GROUP_ID.key(),
                    "isolation.level", "is fixed by the job: inputs are read read_committed");

    private static String kafkaClientKey(String key) {
        String name = key.substring(KAFKA_CLIENT_PREFIX.length());
        if (name.isEmpty()) {
            throw new ConfigException(key, "names no Kafka client property");
        }
        String own = KAFKA_OWN.get(name);
        if (own != null) {
            throw new ConfigException(key, own + ", not by a pass-through");
        }
        return name;
    }

    /**
     * A pass-through's value; a password (a property Kafka's clients define as {@code PASSWORD}:
     * the TLS key and store passwords, keys and certificates, ...) only as a config-provider
     * reference such as {@code ${file:/path:key}}, resolved where the client opens: a value given
     * here would be serialized into the job graph with the sources and sinks.
     */
    private static String kafkaClientValue(String key, String value) {
        String name = key.substring(KAFKA_CLIENT_PREFIX.length());
        if (KAFKA_PASSWORDS.contains(name) && !value.matches("\\$\\{[^}]+}")) {
            throw new ConfigException(
                    key,
                    "is a secret: give a config-provider reference (e.g. "
                            + KAFKA_CLIENT_PREFIX
                            + "config.providers=file and ${file:/path/to/file:key}), not the value,"
                            + " which would be serialized into the job graph");
        }
        return value;
    }

    /** The properties of type PASSWORD of Kafka's producer, consumer and admin clients. */
    private static final Set<String> KAFKA_PASSWORDS = kafkaPasswords();

    private static Set<String> kafkaPasswords() {
        Set<String> names = new TreeSet<>();
        for (ConfigDef def :
                List.of(
                        ProducerConfig.configDef(),
                        ConsumerConfig.configDef(),
                        AdminClientConfig.configDef())) {
            def.configKeys()
                    .forEach(
                            (name, k) -> {
                                if (k.type() == ConfigDef.Type.PASSWORD) {
                                    names.add(name);
                                }
                            });
        }
        return Set.copyOf(names);
    }

    /** Parses {@code values} over the defaults; unknown keys and bad values fail. */
    public static JobConfig parse(Map<String, String> values) {
        Map<ConfigKey, String> v = new EnumMap<>(ConfigKey.class);
        for (ConfigKey k : ConfigKey.values()) {
            v.put(k, k.defaultValue());
        }
        Map<String, String> kafkaClient = new java.util.TreeMap<>();
        values.forEach(
                (key, value) -> {
                    String k = key.trim();
                    if (k.startsWith(KAFKA_CLIENT_PREFIX)) {
                        kafkaClient.put(kafkaClientKey(k), kafkaClientValue(k, value.trim()));
                    } else {
                        v.put(ConfigKey.of(k), value.trim());
                    }
                });

        String mode = v.get(ConfigKey.MODE);
        if (!mode.equals("live") && !mode.equals("replay")) {
            throw new ConfigException(
                    ConfigKey.MODE.key(), "must be 'live' or 'replay', was '" + mode + "'");
        }
        String currency =
                currency(ConfigKey.REPORTING_CURRENCY, v.get(ConfigKey.REPORTING_CURRENCY));
        int exponent = Currency.getInstance(currency).getDefaultFractionDigits();
        BigDecimal minClv = decimal(ConfigKey.HV_MIN_CLV, v.get(ConfigKey.HV_MIN_CLV));
        double maxReturnRate =
                decimal(ConfigKey.HV_MAX_RETURN_RATE, v.get(ConfigKey.HV_MAX_RETURN_RATE))
                        .doubleValue();
        SegmentThresholds segments =
                new SegmentThresholds(
                        positive(ConfigKey.CHURN_AFTER, v),
                        positive(ConfigKey.ORDERS_WINDOW, v),
                        integer(ConfigKey.HV_MIN_ORDERS, v.get(ConfigKey.HV_MIN_ORDERS), 1),
                        minClv.movePointRight(exponent).longValueExact(),
                        maxReturnRate,
                        positive(ConfigKey.URGENT_LOOKBACK, v));
        if (positive(ConfigKey.DEDUP_ORDER_RETENTION, v)
                        .compareTo(positive(ConfigKey.RETURN_WINDOW, v))
                < 0) {
            // a return inside the window of a forgotten order would refund in full, and its
            // campaign, which still holds the credited order, with it
            throw new ConfigException(
                    ConfigKey.DEDUP_ORDER_RETENTION.key(),
                    "must be at least "
                            + ConfigKey.RETURN_WINDOW.key()
                            + " ("
                            + v.get(ConfigKey.RETURN_WINDOW)
                            + "): refunds are capped only while the order is remembered");
        }
        Duration inactiveAfter = positive(ConfigKey.RETENTION_INACTIVE_AFTER, v);
        for (ConfigKey window :
                List.of(
                        ConfigKey.CHURN_AFTER,
                        ConfigKey.ORDERS_WINDOW,
                        ConfigKey.DEDUP_ORDER_RETENTION,
                        ConfigKey.RETURN_WINDOW)) {
            if (inactiveAfter.compareTo(duration(window, v.get(window))) <= 0) {
                // expiry clears the state these windows read: it must come after all of them
                throw new ConfigException(
                        ConfigKey.RETENTION_INACTIVE_AFTER.key(),
                        "must be longer than "
                                + window.key()
                                + " ("
                                + v.get(window)
                                + "): a customer is expired only after every window has ended");
            }
        }
        String asOf = v.get(ConfigKey.AS_OF);
        return new JobConfig(
                mode.equals("replay"),
                currency,
                new WatermarkSettings(
                        positive(ConfigKey.MAX_OUT_OF_ORDERNESS, v),
                        duration(ConfigKey.IDLENESS, v.get(ConfigKey.IDLENESS)),
                        duration(
                                ConfigKey.WALL_CLOCK_MAX_DELAY,
                                v.get(ConfigKey.WALL_CLOCK_MAX_DELAY)),
                        duration(
                                ConfigKey.WALL_CLOCK_TOLERANCE,
                                v.get(ConfigKey.WALL_CLOCK_TOLERANCE))),
                new ValidationSettings(
                        rates(v.get(ConfigKey.CURRENCY_RATES), currency),
                        decimal(ConfigKey.MAX_AMOUNT, v.get(ConfigKey.MAX_AMOUNT))
                                .movePointRight(exponent)
                                .longValueExact(),
                        instant(ConfigKey.MIN_EVENT_TIME, v.get(ConfigKey.MIN_EVENT_TIME)),
                        positive(ConfigKey.MAX_AHEAD, v),
                        maxIdLength(v.get(ConfigKey.MAX_ID_LENGTH))),
                new DedupSettings(
                        positive(ConfigKey.DEDUP_RETENTION, v),
                        integer(ConfigKey.DEDUP_MAX_IDS, v.get(ConfigKey.DEDUP_MAX_IDS), 1),
                        positive(ConfigKey.DEDUP_ORDER_RETENTION, v),
                        integer(
                                ConfigKey.DEDUP_MAX_ORDER_IDS,
                                v.get(ConfigKey.DEDUP_MAX_ORDER_IDS),
                                1)),
                segments,
                new ActionSettings(
                        positive(ConfigKey.REVIEW_DELAY, v),
                        positive(ConfigKey.REVIEW_EXPIRE_AFTER, v),
                        positive(ConfigKey.REWARD_COOLDOWN, v),
                        positive(ConfigKey.COMPLAINT_HOLD, v),
                        integer(
                                ConfigKey.COMPLAINT_MAX_RATING,
                                v.get(ConfigKey.COMPLAINT_MAX_RATING),
                                0),
                        positive(ConfigKey.MARKETING_CAP, v),
                        positive(ConfigKey.REMINDER_LEAD, v),
                        positive(ConfigKey.REMINDER_MIN_AFTER_ORDER, v),
                        positive(ConfigKey.REMINDER_DEFAULT_GAP, v),
                        integer(ConfigKey.MAX_DELIVERIES, v.get(ConfigKey.MAX_DELIVERIES), 1)),
                positive(ConfigKey.ALERTS_MAX_AGE, v),
                new RetentionSettings(
                        inactiveAfter,
                        integer(
                                ConfigKey.RETENTION_MAX_ORDERS_90D,
                                v.get(ConfigKey.RETENTION_MAX_ORDERS_90D),
                                1),
                        integer(
                                ConfigKey.RETENTION_MAX_CREDITED_ORDERS,
                                v.get(ConfigKey.RETENTION_MAX_CREDITED_ORDERS),
                                1),
                        integer(
                                ConfigKey.RETENTION_MAX_WAITING_EVENTS,
                                v.get(ConfigKey.RETENTION_MAX_WAITING_EVENTS),
                                1),
                        positive(ConfigKey.ERASURE_REMEMBER, v)),
                new SellerHealthSettings(
                        fraction(ConfigKey.HEALTH_MAX_NEGATIVE_RATE, v),
                        fraction(ConfigKey.HEALTH_MIN_POSITIVE_SHARE, v),
                        fraction(ConfigKey.HEALTH_MIN_RESPONSE_RATE, v),
                        integer(
                                ConfigKey.HEALTH_MAX_OPEN_MESSAGES,
                                v.get(ConfigKey.HEALTH_MAX_OPEN_MESSAGES),
                                1)),
                integer(
                        ConfigKey.MAX_RETURNED_ORDER_IDS,
                        v.get(ConfigKey.MAX_RETURNED_ORDER_IDS),
                        1),
                new ProfileCacheSettings(
                        integer(
                                ConfigKey.CACHE_MAX_CUSTOMERS,
                                v.get(ConfigKey.CACHE_MAX_CUSTOMERS),
                                1),
                        integer(ConfigKey.CACHE_MAX_DIRTY, v.get(ConfigKey.CACHE_MAX_DIRTY), 0),
                        integer(
                                ConfigKey.CACHE_MAX_WAITING_EVENTS,
                                v.get(ConfigKey.CACHE_MAX_WAITING_EVENTS),
                                0)),
                new AttributionSettings(
                        model(v.get(ConfigKey.ATTRIBUTION_MODEL)),
                        positive(ConfigKey.ATTRIBUTION_WINDOW, v),
                        integer(
                                ConfigKey.ATTRIBUTION_MAX_CLICKS,
                                v.get(ConfigKey.ATTRIBUTION_MAX_CLICKS),
                                1),
                        positive(ConfigKey.RETURN_WINDOW, v)),
                new CampaignSettings(
                        positive(ConfigKey.CAMPAIGN_UPDATE_INTERVAL, v),
                        fraction(ConfigKey.TARGET_ACOS_MAX, v),
                        fraction(ConfigKey.TARGET_CTR_MIN, v),
                        fraction(ConfigKey.TARGET_CPM_MIN, v),
                        fraction(ConfigKey.TARGET_CPM_MAX, v)),
                new ClvSettings(
                        integer(
                                ConfigKey.CLV_HORIZON_MONTHS,
                                v.get(ConfigKey.CLV_HORIZON_MONTHS),
                                1),
                        fraction(ConfigKey.CLV_MONTHLY_DISCOUNT, v),
                        positive(ConfigKey.CLV_RESCORE_INTERVAL, v),
                        BigDecimal.ONE.movePointRight(exponent).longValueExact()),
                new KafkaSettings(
                        v.get(ConfigKey.KAFKA_BOOTSTRAP),
                        v.get(ConfigKey.KAFKA_TOPIC_PREFIX),
                        v.get(ConfigKey.KAFKA_GROUP_ID),
                        oneOf(
                                ConfigKey.KAFKA_STARTING_OFFSETS,
                                v,
                                "committed",
                                "earliest",
                                "latest"),
                        bool(ConfigKey.KAFKA_BOUNDED, v),
                        v.get(ConfigKey.KAFKA_TRANSACTIONAL_ID_PREFIX),
                        positive(ConfigKey.KAFKA_TRANSACTION_TIMEOUT, v),
                        v.get(ConfigKey.KAFKA_SECURITY_PROTOCOL),
                        v.get(ConfigKey.KAFKA_SASL_MECHANISM),
                        v.get(ConfigKey.KAFKA_SCHEMA_DIRECTORY),
                        Map.copyOf(kafkaClient)),
                new PostgresSettings(
                        bool(ConfigKey.POSTGRES_ENABLED, v),
                        v.get(ConfigKey.POSTGRES_URL),
                        v.get(ConfigKey.POSTGRES_USER),
                        integer(
                                ConfigKey.POSTGRES_BATCH_SIZE,
                                v.get(ConfigKey.POSTGRES_BATCH_SIZE),
                                1),
                        positive(ConfigKey.POSTGRES_BATCH_INTERVAL, v),
                        integer(
                                ConfigKey.POSTGRES_MAX_RETRIES,
                                v.get(ConfigKey.POSTGRES_MAX_RETRIES),
                                0),
                        bool(ConfigKey.POSTGRES_MIGRATE, v)),
                integer(ConfigKey.PARALLELISM, v.get(ConfigKey.PARALLELISM), 0),
                integer(ConfigKey.MAX_PARALLELISM, v.get(ConfigKey.MAX_PARALLELISM), 1),
                asOf.isEmpty() ? null : instant(ConfigKey.AS_OF, asOf));
    }

    /** The event time after which nothing takes effect: the as-of time of a replay, else never. */
    public long horizonMillis() {
        return asOf == null ? Long.MAX_VALUE : asOf.toEpochMilli();
    }

    /** A copy with the replay's as-of time fixed. */
    public JobConfig withAsOf(Instant asOf) {
        return new JobConfig(
                replayMode,
                reportingCurrency,
                watermarks,
                validation,
                dedup,
                segments,
                actions,
                alertsMaxAge,
                retention,
                sellerHealth,
                maxReturnedOrderIds,
                profileCache,
                attribution,
                campaigns,
                clv,
                kafka,
                postgres,
                parallelism,
                maxParallelism,
                asOf);
    }

    private static Map<String, BigDecimal> rates(String spec, String reporting) {
        Map<String, BigDecimal> rates = new LinkedHashMap<>();
        rates.put(reporting, BigDecimal.ONE);
        if (spec.isEmpty()) {
            return Collections.unmodifiableMap(rates);
        }
        for (String entry : spec.split(",")) {
            String[] kv = entry.split("=", 2);
            if (kv.length != 2) {
                throw new ConfigException(
                        ConfigKey.CURRENCY_RATES.key(),
                        "expected CODE=RATE, found '" + entry + "'");
            }
            String code = currency(ConfigKey.CURRENCY_RATES, kv[0].trim());
            BigDecimal rate = decimal(ConfigKey.CURRENCY_RATES, kv[1].trim());
            if (rate.signum() <= 0) {
                throw new ConfigException(
                        ConfigKey.CURRENCY_RATES.key(), "rate of " + code + " must be positive");
            }
            if (!code.equals(reporting)) {
                rates.put(code, rate);
            }
        }
        return Collections.unmodifiableMap(rates);
    }

    private static AttributionSettings.Model model(String value) {
        try {
            return AttributionSettings.Model.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    ConfigKey.ATTRIBUTION_MODEL.key(),
                    "'" + value + "' is not LAST_CLICK, FIRST_CLICK or LINEAR");
        }
    }

    private static boolean bool(ConfigKey key, Map<ConfigKey, String> v) {
        String value = v.get(key);
        if (!value.equals("true") && !value.equals("false")) {
            throw new ConfigException(key.key(), "must be true or false, was '" + value + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static String oneOf(ConfigKey key, Map<ConfigKey, String> v, String... allowed) {
        String value = v.get(key);
        for (String a : allowed) {
            if (a.equals(value)) {
                return value;
            }
        }
        throw new ConfigException(
                key.key(),
                "must be one of " + String.join(", ", allowed) + ", was '" + value + "'");
    }

    private static double fraction(ConfigKey key, Map<ConfigKey, String> v) {
        double d = decimal(key, v.get(key)).doubleValue();
        if (d < 0) {
            throw new ConfigException(key.key(), "must not be negative");
        }
        return d;
    }

    private static String currency(ConfigKey key, String code) {
        String upper = code.toUpperCase(Locale.ROOT);
        try {
            Currency.getInstance(upper);
            return upper;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key.key(), "'" + code + "' is not an ISO 4217 currency code");
        }
    }

    private static BigDecimal decimal(ConfigKey key, String value) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key.key(), "'" + value + "' is not a number");
        }
    }

    /**
     * Ids are kept in state with a two-byte length of their UTF-8 bytes (up to 3 a character): at
     * most {@value #MAX_ID_CHARACTERS} characters.
     */
    private static int maxIdLength(String value) {
        int n = integer(ConfigKey.MAX_ID_LENGTH, value, 1);
        if (n > MAX_ID_CHARACTERS) {
            throw new ConfigException(
                    ConfigKey.MAX_ID_LENGTH.key(),
                    "must be at most " + MAX_ID_CHARACTERS + " (ids are kept in state), was " + n);
        }
        return n;
    }

    static final int MAX_ID_CHARACTERS = 16_384;

    private static int integer(ConfigKey key, String value, int min) {
        try {
            int i = Integer.parseInt(value);
            if (i < min) {
                throw new ConfigException(key.key(), "must be at least " + min + ", was " + i);
            }
            return i;
        } catch (NumberFormatException e) {
            throw new ConfigException(key.key(), "'" + value + "' is not an integer");
        }
    }

    private static Instant instant(ConfigKey key, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new ConfigException(
                    key.key(),
                    "'" + value + "' is not an ISO-8601 instant like 1997-09-30T00:00:00Z");
        }
    }

    private static Duration positive(ConfigKey key, Map<ConfigKey, String> v) {
        Duration d = duration(key, v.get(key));
        if (d.isZero()) {
            throw new ConfigException(key.key(), "must be positive");
        }
        return d;
    }

    /**
     * Accepts Flink's "90 d", "1 min", "500 ms" and ISO-8601 "P90D", "PT1M". A number without a
     * unit is refused: Flink would read "60" as 60 ms.
     */
    public static Duration duration(ConfigKey key, String value) {
        String problem = durationProblem(value);
        if (problem != null) {
            throw new ConfigException(key.key(), problem);
        }
        return parseDuration(value);
    }

    /**
     * What is wrong with {@code value} as a duration (as {@link #duration}), or null when nothing
     * is: one definition for job parameters and command-line options.
     */
    public static String durationProblem(String value) {
        if (!value.isEmpty() && !value.equals("0") && value.chars().allMatch(Character::isDigit)) {
            return "'"
                    + value
                    + "' has no unit: give one, e.g. '"
                    + value
                    + "s' or '"
                    + value
                    + " min'";
        }
        try {
            if (parseDuration(value).isNegative()) {
                return "must not be negative";
            }
            return null;
        } catch (DateTimeParseException | IllegalArgumentException e) {
            return "'" + value + "' is not a duration like '90 d', '1 h', '60s' or 'PT1M'";
        }
    }

    private static Duration parseDuration(String value) {
        return value.startsWith("P") || value.startsWith("p")
                ? Duration.parse(value)
                : TimeUtils.parseDuration(value);
    }
}

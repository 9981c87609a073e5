package io.customerpulse.config;

/**
 * Every job parameter the job understands, with its default and meaning. The README's configuration
 * table is this list; {@link JobConfig#parse} rejects any other key so that a typo fails at
 * start-up instead of silently running with a default.
 */
public enum ConfigKey {
    MODE(
            "mode",
            "live",
            "`live` (Kafka, wall-clock watermark advance) or `replay` (bounded, deterministic)"),
    REPORTING_CURRENCY(
            "reporting-currency", "USD", "ISO 4217 currency every amount is converted to"),
    CURRENCY_RATES(
            "currency.rates",
            "EUR=1.08,GBP=1.27,CAD=0.73,JPY=0.0067",
            "fixed rates: reporting-currency units for one unit of each currency (the reporting currency itself is 1)"),
    MAX_OUT_OF_ORDERNESS(
            "watermark.max-out-of-orderness",
            "1 min",
            "bounded out-of-orderness per source partition; `scripts/replay` defaults it to 1 h"),
    IDLENESS(
            "watermark.idleness",
            "30 s",
            "a partition without records this long stops holding back the watermark; 0 turns it off (replay does)"),
    WALL_CLOCK_MAX_DELAY(
            "watermark.wall-clock-max-delay",
            "1 min",
            "live mode: a partition idle for watermark.idleness advances with the wall clock minus this, so timers fire on a quiet night; 0 turns it off"),
    WALL_CLOCK_TOLERANCE(
            "watermark.wall-clock-tolerance",
            "1 min",
            "live mode: event time, and so every output's time, never runs more than this ahead of the wall clock; a watermark further ahead waits for the clock (keep it below the brokers' message.timestamp.after.max.ms)"),
    MAX_AMOUNT(
            "validation.max-amount",
            "1000000",
            "largest amount accepted, in reporting-currency units; above it the event is dead-lettered"),
    MIN_EVENT_TIME(
            "validation.min-event-time",
            "1990-01-01T00:00:00Z",
            "events before this time are dead-lettered"),
    MAX_AHEAD(
            "validation.max-ahead",
            "1 d",
            "live mode: events further than this ahead of the wall clock are dead-lettered"),
    MAX_ID_LENGTH(
            "validation.max-id-length",
            "256",
            "longest accepted id (event, customer, order, campaign), at most 16384 characters"),
    DEDUP_RETENTION(
            "dedup.retention", "24 h", "event ids are remembered at least this long in event time"),
    DEDUP_MAX_IDS(
            "dedup.max-ids",
            "1000",
            "cap on remembered event ids per customer; past it the oldest tenth is forgotten at once"),
    DEDUP_ORDER_RETENTION(
            "dedup.order-retention",
            "90 d",
            "an order_id is remembered this long after the order (its last millisecond included): a repeat of it under a new event_id counts once, and its refunds are capped at its total; at least attribution.return-window"),
    DEDUP_MAX_ORDER_IDS(
            "dedup.max-order-ids",
            "1000",
            "cap on remembered orders per customer; past it the oldest tenth is forgotten at once"),
    CHURN_AFTER("segments.churn-after", "60 d", "inactivity after which a customer is CHURN_RISK"),
    ORDERS_WINDOW("segments.orders-window", "90 d", "window of orders_90d"),
    HV_MIN_ORDERS(
            "segments.high-value.min-orders-90d",
            "2",
            "HIGH_VALUE needs at least this many orders_90d"),
    HV_MIN_CLV(
            "segments.high-value.min-clv",
            "150",
            "HIGH_VALUE needs at least this historical CLV, in reporting-currency units"),
    HV_MAX_RETURN_RATE(
            "segments.high-value.max-return-rate",
            "0.05",
            "HIGH_VALUE needs a return rate below this"),
    URGENT_LOOKBACK(
            "segments.urgent-lookback",
            "90 d",
            "a churn alert is urgent when the customer was HIGH_VALUE within this time before"),
    REVIEW_DELAY(
            "actions.review-request.delay",
            "5 d",
            "a REVIEW_REQUEST is due this long after the order's first DELIVERED event"),
    REVIEW_EXPIRE_AFTER(
            "actions.review-request.expire-after",
            "30 d",
            "a REVIEW_REQUEST that late data makes first due later than this after delivery is EXPIRED"),
    REWARD_COOLDOWN(
            "actions.reward.cooldown",
            "90 d",
            "a HIGH_VALUE_REWARD within this after one that was DUE is COOLDOWN"),
    COMPLAINT_HOLD(
            "actions.complaint-hold",
            "30 d",
            "a COMPLAINT or a FEEDBACK rated actions.complaint-max-rating or lower within this before holds a reward or a reminder (HELD)"),
    COMPLAINT_MAX_RATING(
            "actions.complaint-max-rating",
            "2",
            "FEEDBACK rated this or lower counts as a complaint"),
    MARKETING_CAP(
            "actions.marketing-cap",
            "7 d",
            "one marketing action (WIN_BACK, HIGH_VALUE_REWARD, REPURCHASE_REMINDER) DUE per customer within this; more are CAPPED"),
    REMINDER_LEAD(
            "actions.reminder.lead",
            "3 d",
            "a REPURCHASE_REMINDER is due this long before the customer's usual gap after the last order is over"),
    REMINDER_MIN_AFTER_ORDER(
            "actions.reminder.min-after-order",
            "1 d",
            "and not sooner than this after the last order"),
    REMINDER_DEFAULT_GAP(
            "actions.reminder.default-gap", "30 d", "the gap of a customer with one order"),
    MAX_DELIVERIES(
            "actions.max-deliveries",
            "100",
            "delivered orders remembered per customer for review requests; past it the oldest decided one is forgotten first, then the oldest waiting one (its request never made)"),
    ALERTS_MAX_AGE(
            "alerts.max-age",
            "24 h",
            "a churn alert or customer action due more than this behind the wall clock when it is emitted (a backlog, a bootstrap or a replay catching up) carries stale = true: a record of what was due, which an executor skips"),
    RETENTION_INACTIVE_AFTER(
            "retention.inactive-after",
            "730 d",
            "a customer with no event for this long is expired by their own timer: state and timers cleared, the last profile kept with expired_at; a later event starts a new history"),
    RETENTION_MAX_ORDERS_90D(
            "retention.max-orders-90d",
            "1000",
            "order times kept per customer for orders_90d; past it the oldest is forgotten at once, so orders_90d reads this at most"),
    RETENTION_MAX_CREDITED_ORDERS(
            "retention.max-credited-orders",
            "200",
            "credited orders kept per customer for the return window; past it the oldest is forgotten, and a return of it is not reported to its campaigns"),
    RETENTION_MAX_WAITING_EVENTS(
            "retention.max-waiting-events",
            "1000",
            "events of one customer waiting for the watermark; past it the earliest is applied at once (the customer steps ahead of the watermark), and events arriving behind it are late"),
    ERASURE_REMEMBER(
            "erasure.remember",
            "90 d",
            "an erased customer's erasure time is kept this long (wall clock, state TTL): their events at or before it arriving within it are dropped and counted; after it such an event would start a new history"),
    HEALTH_MAX_NEGATIVE_RATE(
            "seller-health.max-negative-feedback-rate",
            "0.005",
            "healthy below this negative feedback rate (negative feedback / orders, 90 days)"),
    HEALTH_MIN_POSITIVE_SHARE(
            "seller-health.min-positive-feedback-share",
            "0.95",
            "healthy at this share of positive feedback or more (90 days)"),
    HEALTH_MIN_RESPONSE_RATE(
            "seller-health.min-response-rate",
            "0.90",
            "healthy at this share of buyer messages answered within 24 hours or more (90 days)"),
    HEALTH_MAX_OPEN_MESSAGES(
            "seller-health.max-open-messages",
            "100",
            "buyer messages per customer waiting for their reply deadline; past it the oldest counts at once, unanswered"),
    MAX_RETURNED_ORDER_IDS(
            "state.max-returned-order-ids",
            "1000",
            "cap on the returned order ids kept per customer to count distinct returned_orders"),
    CACHE_MAX_CUSTOMERS(
            "profile.cache.max-customers",
            "100000",
            "customers the customer operator keeps decoded in memory, per parallel instance; the least recently used are written back to keyed state past it"),
    CACHE_MAX_DIRTY(
            "profile.cache.max-dirty",
            "50000",
            "changed customers not yet written back, per parallel instance; the more, the fewer writes; a tenth of it at most is left for the write-back before a checkpoint barrier"),
    CACHE_MAX_WAITING_EVENTS(
            "profile.cache.max-waiting-events",
            "200000",
            "events waiting for the watermark held in memory, per parallel instance; past it the customers holding them longest move them to keyed state"),
    ATTRIBUTION_MODEL(
            "attribution.model",
            "LAST_CLICK",
            "how an order's sales are credited to the clicks of the window: LAST_CLICK, FIRST_CLICK or LINEAR"),
    ATTRIBUTION_WINDOW(
            "attribution.window",
            "7 d",
            "a click can be credited with orders up to this long after it"),
    ATTRIBUTION_MAX_CLICKS(
            "attribution.max-clicks",
            "50",
            "cap on clicks kept per customer for attribution (a bot cannot grow state); oldest go first"),
    RETURN_WINDOW(
            "attribution.return-window",
            "90 d",
            "credited orders are remembered this long, so their refunds are reported for the campaign"),
    CAMPAIGN_UPDATE_INTERVAL(
            "campaign.update-interval",
            "10 s",
            "provisional campaign rows are emitted at most once per this much event time"),
    TARGET_ACOS_MAX(
            "campaign.target.acos-max", "0.25", "reference: ACoS at or below this is healthy"),
    TARGET_CTR_MIN("campaign.target.ctr-min", "0.004", "reference: CTR above this is healthy"),
    TARGET_CPM_MIN(
            "campaign.target.cpm-min",
            "1.8",
            "reference: lowest healthy CPM, reporting-currency units"),
    TARGET_CPM_MAX(
            "campaign.target.cpm-max",
            "3.2",
            "reference: highest healthy CPM, reporting-currency units"),
    KAFKA_BOOTSTRAP("kafka.bootstrap-servers", "localhost:9092", "Kafka brokers"),
    KAFKA_TOPIC_PREFIX(
            "kafka.topic-prefix",
            "",
            "prefix of every topic name (inputs and outputs), e.g. 'prod.'"),
    KAFKA_GROUP_ID("kafka.group-id", "customer-pulse", "consumer group of the input topics"),
    KAFKA_STARTING_OFFSETS(
            "kafka.starting-offsets",
            "committed",
            "where a new job starts reading: committed (else earliest), earliest or latest; a restore uses its checkpoint"),
    KAFKA_BOUNDED(
            "kafka.bounded",
            "false",
            "true: stop at the offsets that are latest at start (a backfill in replay mode)"),
    KAFKA_TRANSACTIONAL_ID_PREFIX(
            "kafka.transactional-id-prefix",
            "customer-pulse",
            "prefix of the exactly-once sinks' transactional ids; unique per job on a cluster"),
    KAFKA_TRANSACTION_TIMEOUT(
            "kafka.transaction-timeout",
            "15 min",
            "transaction.timeout.ms of the sinks: longer than the longest recovery (checkpoint interval + timeout + heartbeat timeout + restart delay + slot request timeout, flink-conf), at most the broker's transaction.max.timeout.ms (15 min)"),
    KAFKA_SECURITY_PROTOCOL(
            "kafka.security-protocol", "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"),
    KAFKA_SASL_MECHANISM(
            "kafka.sasl-mechanism",
            "",
            "e.g. SCRAM-SHA-512; the JAAS config comes from the environment variable CUSTOMER_PULSE_KAFKA_SASL_JAAS_CONFIG"),
    KAFKA_SCHEMA_DIRECTORY(
            "kafka.schema-directory",
            "",
            "further writer schemas (*.avsc, self-contained) on every TaskManager: input records written with them are resolved against the job's own; read again when an unknown fingerprint arrives (at most every 10 s)"),
    POSTGRES_ENABLED("postgres.enabled", "true", "write the dashboard tables"),
    POSTGRES_URL(
            "postgres.url",
            "jdbc:postgresql://localhost:5432/customer_pulse",
            "JDBC URL; the password comes from the environment variable CUSTOMER_PULSE_POSTGRES_PASSWORD"),
    POSTGRES_USER("postgres.user", "customer_pulse", "database user"),
    POSTGRES_BATCH_SIZE("postgres.batch-size", "500", "rows per JDBC batch"),
    POSTGRES_BATCH_INTERVAL(
            "postgres.batch-interval", "200 ms", "a partial batch is written after this long"),
    POSTGRES_MAX_RETRIES(
            "postgres.max-retries",
            "5",
            "retries of a failed batch before the job restarts (and retries from its checkpoint)"),
    POSTGRES_MIGRATE(
            "postgres.migrate-on-start",
            "true",
            "apply the schema migrations (Flyway) before the job is submitted"),
    PARALLELISM("job.parallelism", "0", "operator parallelism; 0 keeps the environment's default"),
    MAX_PARALLELISM(
            "job.max-parallelism",
            "128",
            "key groups; fixed so savepoints can be rescaled (never change it); a different"
                    + " pipeline.max-parallelism in the Flink configuration fails the submission"),
    CLV_HORIZON_MONTHS(
            "clv.horizon-months",
            "12",
            "predicted_clv counts the orders expected this many months ahead"),
    CLV_MONTHLY_DISCOUNT(
            "clv.monthly-discount-rate", "0.01", "predicted_clv discounts month i by (1 + rate)^i"),
    CLV_RESCORE_INTERVAL(
            "clv.rescore-interval",
            "1 d",
            "while a CLV model is served, a customer with orders is re-scored at least this often in event time, at a time spread by customer id"),
    AS_OF(
            "replay.as-of",
            "",
            "replay results as of this ISO-8601 time; empty means the latest event time of the input");

    private final String key;
    private final String defaultValue;
    private final String description;

    ConfigKey(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** The key named {@code name}, or a {@link ConfigException} that names it. */
    public static ConfigKey of(String name) {
        for (ConfigKey k : values()) {
            if (k.key.equals(name)) {
                return k;
            }
        }
        throw new ConfigException(name, "unknown key (see the configuration table in README.md)");
    }
}

package io.customerpulse;

/**
 * Operator uids. They name state in checkpoints and savepoints: never change one of a stateful
 * operator, or its state is lost on upgrade. {@code pipeline.auto-generate-uids: false} makes a
 * missing uid fail at submission.
 */
public final class Uids {
    public static final String SOURCE = "events-source";
    public static final String PROFILES = "customer-profiles";
    public static final String AD_DEDUP = "ad-event-dedup";
    public static final String AD_DELTAS = "ad-event-deltas";
    public static final String CAMPAIGNS = "campaign-metrics";
    public static final String SELLER_HEALTH = "seller-health";
    public static final String SINK_SELLER_HEALTH = "sink-seller-health";
    public static final String SINK_HEALTH_ALERTS = "sink-seller-health-alerts";
    public static final String PG_SELLER_HEALTH = "postgres-seller-health";
    public static final String SINK_CAMPAIGNS = "sink-campaign-metrics";
    public static final String SINK_PROFILES = "sink-profiles";
    public static final String SINK_SEGMENT_CHANGES = "sink-segment-changes";
    public static final String SINK_CHURN_ALERTS = "sink-churn-alerts";
    public static final String SINK_LATE_EVENTS = "sink-late-events";
    public static final String ACTIONS_DUE = "customer-actions-due";
    public static final String SINK_ACTIONS = "sink-customer-actions";
    public static final String SINK_REJECTED = "sink-dead-letter";
    public static final String PG_PROFILES = "postgres-customer-profile";
    public static final String PG_SEGMENT_CHANGES = "postgres-segment-change";
    public static final String PG_CAMPAIGNS = "postgres-campaign-daily";
    public static final String PG_ACTIONS = "postgres-customer-action";
    public static final String CLV_MODELS_NONE = "clv-models-none";
    public static final String SINK_ERASURES = "sink-erasures";
    public static final String PG_PROFILES_NOT_ERASURES = "postgres-customer-profile-rows";
    public static final String PG_ERASURES = "postgres-erasures";

    /**
     * The uid of the (stateless) router chained to the source of {@code input}. (Until one router
     * per source, a single router "route-ingested" behind the union of the sources; its savepoint
     * entry is empty, so old savepoints restore.)
     */
    public static String route(String input) {
        return "route-ingested-" + input;
    }

    /** The uid of the Kafka source of an input topic. */
    public static String kafkaSource(String input) {
        return "kafka-source-" + input;
    }

    private Uids() {}
}

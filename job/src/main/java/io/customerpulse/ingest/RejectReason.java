package io.customerpulse.ingest;

/** Why a record went to the dead-letter output. The names are stable: dashboards count them. */
public enum RejectReason {
    MALFORMED,
    /** Single-object encoding naming a writer schema that is in no schema store. */
    UNKNOWN_SCHEMA,
    UNKNOWN_TYPE,
    MISSING_FIELD,
    MISSING_EVENT_ID,
    MISSING_CUSTOMER_ID,
    INVALID_ID,
    FIELD_TOO_LONG,
    NEGATIVE_AMOUNT,
    AMOUNT_TOO_LARGE,
    UNKNOWN_CURRENCY,
    EVENT_TIME_TOO_EARLY,
    EVENT_TIME_IN_FUTURE,
    INVALID_LINE,
    INVALID_RATING,
    /** An interaction_type that only the job itself uses (a shipment status). */
    RESERVED_TYPE
}

-- Seller health (DESIGN section 12): one row per marketplace and UTC day, provisional (version 1)
-- then final (version 2); the sink upserts only a newer version. Each metric's threshold is in the
-- row, as the job was configured when it wrote it.

CREATE TABLE seller_health (
    marketplace              text             NOT NULL,
    day                      date             NOT NULL,
    orders_90d               bigint           NOT NULL,
    feedback_90d             bigint           NOT NULL,
    negative_feedback_90d    bigint           NOT NULL,
    positive_feedback_90d    bigint           NOT NULL,
    negative_feedback_rate   double precision,
    positive_feedback_share  double precision,
    messages_due_90d         bigint           NOT NULL,
    answered_in_24h_90d      bigint           NOT NULL,
    response_rate            double precision,
    month_gmv_minor          bigint           NOT NULL,
    repeat_buyer_gmv_minor   bigint           NOT NULL,
    repeat_buyer_gmv_share   double precision,
    negative_feedback_max    double precision NOT NULL,
    positive_feedback_min    double precision NOT NULL,
    response_rate_min        double precision NOT NULL,
    negative_feedback_ok     boolean,
    positive_feedback_ok     boolean,
    response_ok              boolean,
    final                    boolean          NOT NULL,
    version                  integer          NOT NULL,
    written_at               timestamptz      NOT NULL DEFAULT now(),
    PRIMARY KEY (marketplace, day)
);

-- for dashboards: each metric beside its threshold, one row per metric of each marketplace's latest
-- day (final or not)
CREATE VIEW seller_health_now AS
WITH latest AS (
    SELECT DISTINCT ON (marketplace) *
    FROM seller_health
    ORDER BY marketplace, day DESC
)
SELECT marketplace, day, final, 'negative_feedback_rate' AS metric,
       negative_feedback_rate AS value, '<' AS healthy_when, negative_feedback_max AS threshold,
       negative_feedback_ok AS healthy
FROM latest
UNION ALL
SELECT marketplace, day, final, 'positive_feedback_share', positive_feedback_share, '>=',
       positive_feedback_min, positive_feedback_ok
FROM latest
UNION ALL
SELECT marketplace, day, final, 'response_rate', response_rate, '>=', response_rate_min, response_ok
FROM latest
UNION ALL
SELECT marketplace, day, final, 'repeat_buyer_gmv_share', repeat_buyer_gmv_share, NULL, NULL, NULL
FROM latest;

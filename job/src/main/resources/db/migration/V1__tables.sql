-- Tables the job writes (DESIGN section 8). Money in reporting-currency minor units.

CREATE TABLE customer_profile (
    customer_id          text PRIMARY KEY,
    currency             char(3)          NOT NULL,
    orders_total         bigint           NOT NULL,
    gmv_minor            bigint           NOT NULL,
    refunds_minor        bigint           NOT NULL,
    returned_orders      bigint           NOT NULL,
    return_rate          double precision NOT NULL,
    net_revenue_minor    bigint           NOT NULL,
    orders_90d           integer          NOT NULL,
    first_order_at       timestamptz,
    last_order_at        timestamptz,
    last_interaction_at  timestamptz,
    repeat_gap_days      double precision,
    acquisition_campaign text,
    cac_minor            bigint,
    segment              text,
    segment_since        timestamptz,
    version              bigint           NOT NULL,
    updated_at           timestamptz      NOT NULL,
    written_at           timestamptz      NOT NULL DEFAULT now()
);
CREATE INDEX customer_profile_segment ON customer_profile (segment);
CREATE INDEX customer_profile_first_order ON customer_profile (first_order_at);

-- every transition; a replay after a failure re-inserts the same rows, which the key absorbs
CREATE TABLE segment_change (
    customer_id  text        NOT NULL,
    at           timestamptz NOT NULL,
    to_segment   text        NOT NULL,
    from_segment text,
    reason       text        NOT NULL,
    clv_minor    bigint      NOT NULL,
    version      bigint      NOT NULL,
    PRIMARY KEY (customer_id, at, to_segment)
);
CREATE INDEX segment_change_at ON segment_change (at);

CREATE TABLE campaign_daily (
    campaign_id              text             NOT NULL,
    day                      date             NOT NULL,
    currency                 char(3)          NOT NULL,
    impressions              bigint           NOT NULL,
    clicks                   bigint           NOT NULL,
    spend_minor              bigint           NOT NULL,
    ctr                      double precision,
    cpc                      double precision,
    cpm                      double precision,
    attributed_orders        bigint           NOT NULL,
    attributed_sales_minor   bigint           NOT NULL,
    attributed_returns_minor bigint           NOT NULL,
    acos                     double precision,
    roas                     double precision,
    new_customers            bigint           NOT NULL,
    cac                      double precision,
    ctr_ok                   boolean,
    acos_ok                  boolean,
    cpm_ok                   boolean,
    final                    boolean          NOT NULL,
    version                  bigint           NOT NULL,
    updated_at               timestamptz      NOT NULL,
    PRIMARY KEY (campaign_id, day)
);

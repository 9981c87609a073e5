-- Views the dashboards read. Reference values (DESIGN sections 5 and 7) appear beside the figures.

-- segment counts now
CREATE VIEW segment_counts AS
SELECT coalesce(segment, 'NONE') AS segment, count(*) AS customers,
       round(count(*)::numeric / nullif(sum(count(*)) OVER (), 0), 4) AS share
FROM customer_profile
GROUP BY segment;

-- segment counts at the end of each day, rebuilt from the transitions
CREATE VIEW segment_counts_daily AS
WITH spans AS (
    SELECT to_segment AS segment,
           (at AT TIME ZONE 'UTC')::date AS from_day,
           coalesce((lead(at) OVER (PARTITION BY customer_id ORDER BY at, version) AT TIME ZONE 'UTC')::date,
                    'infinity'::date) AS to_day
    FROM segment_change),
days AS (
    SELECT generate_series(min(at AT TIME ZONE 'UTC')::date, max(at AT TIME ZONE 'UTC')::date,
                           interval '1 day')::date AS day
    FROM segment_change)
SELECT d.day, s.segment, count(*) AS customers
FROM days d JOIN spans s ON s.from_day <= d.day AND d.day < s.to_day
GROUP BY d.day, s.segment;

-- distribution of historical CLV (net revenue), in reporting-currency units
CREATE VIEW clv_distribution AS
SELECT bucket, lower_bound, upper_bound, count(*) AS customers,
       round(count(*)::numeric / nullif(sum(count(*)) OVER (), 0), 4) AS share
FROM (
    SELECT CASE
               WHEN net_revenue_minor < 0      THEN 0
               WHEN net_revenue_minor < 5000   THEN 1
               WHEN net_revenue_minor < 10000  THEN 2
               WHEN net_revenue_minor < 15000  THEN 3
               WHEN net_revenue_minor < 25000  THEN 4
               WHEN net_revenue_minor < 50000  THEN 5
               WHEN net_revenue_minor < 100000 THEN 6
               ELSE 7 END AS bucket
    FROM customer_profile WHERE orders_total > 0) c
JOIN (VALUES (0, NULL::numeric, 0::numeric), (1, 0, 50), (2, 50, 100), (3, 100, 150),
             (4, 150, 250), (5, 250, 500), (6, 500, 1000), (7, 1000, NULL))
     AS b(id, lower_bound, upper_bound) ON b.id = c.bucket
GROUP BY bucket, lower_bound, upper_bound;

-- share of GMV held by the top 20 % of customers, and the GMV it takes to be among them
CREATE VIEW gmv_concentration AS
WITH ranked AS (
    SELECT gmv_minor, ntile(5) OVER (ORDER BY gmv_minor DESC, customer_id) AS quintile
    FROM customer_profile WHERE orders_total > 0)
SELECT count(*) AS customers,
       count(*) FILTER (WHERE quintile = 1) AS top20_customers,
       round(sum(gmv_minor) FILTER (WHERE quintile = 1)::numeric / nullif(sum(gmv_minor), 0), 4)
           AS top20_gmv_share,
       min(gmv_minor) FILTER (WHERE quintile = 1) AS top20_threshold_minor,
       0.60 AS healthy_share_min
FROM ranked;

-- share of each first-order month that ordered again within 30/60/90 days
CREATE VIEW cohort_retention AS
SELECT date_trunc('month', first_order_at AT TIME ZONE 'UTC')::date AS cohort,
       count(*) AS customers,
       round(avg((repeat_gap_days IS NOT NULL AND repeat_gap_days <= 30)::int), 4) AS retained_30d,
       round(avg((repeat_gap_days IS NOT NULL AND repeat_gap_days <= 60)::int), 4) AS retained_60d,
       round(avg((repeat_gap_days IS NOT NULL AND repeat_gap_days <= 90)::int), 4) AS retained_90d
FROM customer_profile
WHERE first_order_at IS NOT NULL
GROUP BY 1;

-- campaigns over all their days, against the reference values
CREATE VIEW campaign_performance AS
SELECT campaign_id, min(day) AS first_day, max(day) AS last_day,
       sum(impressions) AS impressions, sum(clicks) AS clicks, sum(spend_minor) AS spend_minor,
       sum(attributed_orders) AS attributed_orders,
       sum(attributed_sales_minor) AS attributed_sales_minor,
       sum(attributed_returns_minor) AS attributed_returns_minor,
       sum(new_customers) AS new_customers,
       round(sum(clicks)::numeric / nullif(sum(impressions), 0), 5) AS ctr, 0.004 AS ctr_ref_min,
       round(sum(spend_minor)::numeric / nullif(sum(attributed_sales_minor), 0), 4) AS acos, 0.25 AS acos_ref_max,
       round(sum(spend_minor)::numeric / 100 / nullif(sum(impressions), 0) * 1000, 3) AS cpm,
       1.8 AS cpm_ref_min, 3.2 AS cpm_ref_max,
       round(sum(attributed_sales_minor)::numeric / nullif(sum(spend_minor), 0), 3) AS roas,
       round(sum(spend_minor)::numeric / 100 / nullif(sum(new_customers), 0), 2) AS cac,
       bool_and(final) AS all_final
FROM campaign_daily
GROUP BY campaign_id;

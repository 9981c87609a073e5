-- Dashboard aggregates kept current as the job writes (issue 16): a page that refreshes every few
-- seconds must not scan every customer (at 1,000,000 customers and 3,000,000 segment changes the
-- views of V2 took 124 s for segment_counts_daily and 2.6 s for gmv_concentration).
--
-- Each row the job writes to customer_profile or segment_change adds, in the same transaction, its
-- contributions to the aggregates as rows of dashboard_delta (a trigger; an update adds the new row's
-- and takes back the old row's). Inserting delta rows never waits on another writer, whatever the
-- job's parallelism. dashboard_rollup() folds them into dashboard_total (the dashboard calls it every
-- few seconds; BI-only deployments can schedule it); dashboard_current is total plus what is not yet
-- folded, so the views are exact with or without a rollup. The V2 definitions stay as *_exact, for
-- checks (every end-to-end test compares the two) and for anyone who wants the scan.

CREATE TABLE dashboard_total (
    kind      text    NOT NULL,
    key       text    NOT NULL,
    customers bigint  NOT NULL,
    amount    numeric NOT NULL,
    PRIMARY KEY (kind, key)
);

CREATE TABLE dashboard_delta (
    id        bigserial PRIMARY KEY,
    kind      text    NOT NULL,
    key       text    NOT NULL,
    customers bigint  NOT NULL,
    amount    numeric NOT NULL
);

CREATE VIEW dashboard_current AS
SELECT kind, key, sum(customers)::bigint AS customers, sum(amount) AS amount
FROM (SELECT kind, key, customers, amount FROM dashboard_total
      UNION ALL
      SELECT kind, key, customers, amount FROM dashboard_delta) x
GROUP BY kind, key;

-- the GMV histogram's bucket of an amount: 5 % wide (powers of 1.05), -1 for zero or less
CREATE FUNCTION dashboard_gmv_bucket(gmv bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN gmv <= 0 THEN -1 ELSE floor(ln(gmv::numeric) / ln(1.05))::integer END
$$;

-- the customers of one bucket, in the order of gmv_concentration's ranking
CREATE INDEX customer_profile_gmv_bucket
    ON customer_profile (dashboard_gmv_bucket(gmv_minor), gmv_minor DESC, customer_id)
    WHERE orders_total > 0;

-- what one profile row adds to the aggregates
CREATE FUNCTION dashboard_contributions(p customer_profile)
RETURNS TABLE (kind text, key text, customers bigint, amount numeric)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'segment', coalesce(p.segment, 'NONE'), 1::bigint, 0::numeric
    UNION ALL
    SELECT 'clv',
           (CASE WHEN p.net_revenue_minor < 0      THEN 0
                 WHEN p.net_revenue_minor < 5000   THEN 1
                 WHEN p.net_revenue_minor < 10000  THEN 2
                 WHEN p.net_revenue_minor < 15000  THEN 3
                 WHEN p.net_revenue_minor < 25000  THEN 4
                 WHEN p.net_revenue_minor < 50000  THEN 5
                 WHEN p.net_revenue_minor < 100000 THEN 6
                 ELSE 7 END)::text, 1, 0
    WHERE p.orders_total > 0
    UNION ALL
    SELECT 'gmv', dashboard_gmv_bucket(p.gmv_minor)::text, 1, p.gmv_minor::numeric
    WHERE p.orders_total > 0
    UNION ALL
    SELECT k.kind, date_trunc('month', p.first_order_at AT TIME ZONE 'UTC')::date::text, 1, 0
    FROM (VALUES ('cohort', 1e9), ('cohort_30', 30), ('cohort_60', 60), ('cohort_90', 90))
         AS k(kind, within)
    WHERE p.first_order_at IS NOT NULL
      AND (k.kind = 'cohort' OR (p.repeat_gap_days IS NOT NULL AND p.repeat_gap_days <= k.within))
$$;

-- what one segment change adds: the day's change count, +1 to its segment, -1 to the one it left
CREATE FUNCTION dashboard_change_contributions(c segment_change)
RETURNS TABLE (kind text, key text, customers bigint, amount numeric)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'changes', (c.at AT TIME ZONE 'UTC')::date::text, 1::bigint, 0::numeric
    UNION ALL
    SELECT 'segment_day', (c.at AT TIME ZONE 'UTC')::date::text || ' ' || s.segment, s.n, 0
    FROM (VALUES (c.to_segment, 1::bigint), (c.from_segment, -1::bigint)) AS s(segment, n)
    WHERE s.segment IS NOT NULL
$$;

CREATE FUNCTION dashboard_profile_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboard_delta (kind, key, customers, amount)
    SELECT x.kind, x.key, sum(x.customers), sum(x.amount)
    FROM (SELECT o.kind, o.key, -o.customers AS customers, -o.amount AS amount
          FROM dashboard_contributions(OLD) o WHERE TG_OP <> 'INSERT'
          UNION ALL
          SELECT n.kind, n.key, n.customers, n.amount
          FROM dashboard_contributions(NEW) n WHERE TG_OP <> 'DELETE') x
    GROUP BY x.kind, x.key
    HAVING sum(x.customers) <> 0 OR sum(x.amount) <> 0;
    RETURN NULL;
END
$$;

CREATE FUNCTION dashboard_change_delta() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO dashboard_delta (kind, key, customers, amount)
    SELECT x.kind, x.key, sum(x.customers), sum(x.amount)
    FROM (SELECT o.kind, o.key, -o.customers AS customers, -o.amount AS amount
          FROM dashboard_change_contributions(OLD) o WHERE TG_OP <> 'INSERT'
          UNION ALL
          SELECT n.kind, n.key, n.customers, n.amount
          FROM dashboard_change_contributions(NEW) n WHERE TG_OP <> 'DELETE') x
    GROUP BY x.kind, x.key
    HAVING sum(x.customers) <> 0 OR sum(x.amount) <> 0;
    RETURN NULL;
END
$$;

-- folds the deltas into the totals; returns how many it folded. Safe to run concurrently (a delta
-- row is deleted, and so counted, once).
CREATE FUNCTION dashboard_rollup() RETURNS bigint LANGUAGE sql AS $$
    WITH moved AS (DELETE FROM dashboard_delta RETURNING kind, key, customers, amount),
    summed AS (SELECT kind, key, sum(customers) AS customers, sum(amount) AS amount
               FROM moved GROUP BY kind, key ORDER BY kind, key),
    merged AS (INSERT INTO dashboard_total AS t (kind, key, customers, amount)
               SELECT kind, key, customers, amount FROM summed
               ON CONFLICT (kind, key) DO UPDATE
                   SET customers = t.customers + EXCLUDED.customers,
                       amount = t.amount + EXCLUDED.amount
               RETURNING 1)
    SELECT count(*) FROM moved
$$;

-- what the tables hold already (an upgrade from V5), then the triggers
INSERT INTO dashboard_delta (kind, key, customers, amount)
SELECT c.kind, c.key, sum(c.customers), sum(c.amount)
FROM customer_profile p, LATERAL dashboard_contributions(p) c
GROUP BY c.kind, c.key;
INSERT INTO dashboard_delta (kind, key, customers, amount)
SELECT c.kind, c.key, sum(c.customers), sum(c.amount)
FROM segment_change s, LATERAL dashboard_change_contributions(s) c
GROUP BY c.kind, c.key;
SELECT dashboard_rollup();

CREATE TRIGGER customer_profile_dashboard
    AFTER INSERT OR UPDATE OR DELETE ON customer_profile
    FOR EACH ROW EXECUTE FUNCTION dashboard_profile_delta();
CREATE TRIGGER segment_change_dashboard
    AFTER INSERT OR UPDATE OR DELETE ON segment_change
    FOR EACH ROW EXECUTE FUNCTION dashboard_change_delta();

-- the V2 views, as they were: exact by a scan of every row
ALTER VIEW segment_counts RENAME TO segment_counts_exact;
ALTER VIEW segment_counts_daily RENAME TO segment_counts_daily_exact;
ALTER VIEW clv_distribution RENAME TO clv_distribution_exact;
ALTER VIEW gmv_concentration RENAME TO gmv_concentration_exact;
ALTER VIEW cohort_retention RENAME TO cohort_retention_exact;

-- the same columns from the aggregates
CREATE VIEW segment_counts AS
SELECT key AS segment, customers,
       round(customers::numeric / nullif(sum(customers) OVER (), 0), 4) AS share
FROM dashboard_current
WHERE kind = 'segment' AND customers > 0;

-- each segment's running sum of its daily deltas, on every day from the first change to the last
-- (a day without a delta of a segment gets a zero row, so that its count carries over)
CREATE VIEW segment_counts_daily AS
WITH deltas AS (
    SELECT split_part(key, ' ', 1)::date AS day, split_part(key, ' ', 2) AS segment,
           customers AS delta
    FROM dashboard_current WHERE kind = 'segment_day'),
span AS (
    SELECT min(key::date) AS first, max(key::date) AS last
    FROM dashboard_current WHERE kind = 'changes' AND customers > 0),
filled AS (
    SELECT day, segment, delta FROM deltas
    UNION ALL
    SELECT d.day::date, s.segment, 0
    FROM span, generate_series(span.first, span.last, interval '1 day') AS d(day),
         (SELECT DISTINCT segment FROM deltas) s),
running AS (
    SELECT day, segment,
           sum(sum(delta)) OVER (PARTITION BY segment ORDER BY day) AS customers
    FROM filled GROUP BY day, segment)
SELECT r.day, r.segment, r.customers::bigint AS customers
FROM running r, span
WHERE r.customers > 0 AND r.day BETWEEN span.first AND span.last;

CREATE VIEW clv_distribution AS
SELECT c.key::integer AS bucket, b.lower_bound, b.upper_bound, c.customers,
       round(c.customers::numeric / nullif(sum(c.customers) OVER (), 0), 4) AS share
FROM dashboard_current c
JOIN (VALUES (0, NULL::numeric, 0::numeric), (1, 0, 50), (2, 50, 100), (3, 100, 150),
             (4, 150, 250), (5, 250, 500), (6, 500, 1000), (7, 1000, NULL))
     AS b(id, lower_bound, upper_bound) ON b.id = c.key::integer
WHERE c.kind = 'clv' AND c.customers > 0;

-- exact: the histogram finds the bucket where the top 20 % ends; only that bucket's customers are
-- read (an index range), in the ranking of the V2 view (GMV descending, then customer_id)
CREATE FUNCTION dashboard_gmv_concentration()
RETURNS TABLE (customers bigint, top20_customers bigint, top20_gmv_share numeric,
               top20_threshold_minor bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    n bigint;
    total numeric;
    k bigint;
    above_n bigint := 0;
    above_gmv numeric := 0;
    edge integer;
    part_sum numeric;
    part_min bigint;
    r record;
BEGIN
    SELECT coalesce(sum(c.customers), 0), coalesce(sum(c.amount), 0) INTO n, total
    FROM dashboard_current c WHERE c.kind = 'gmv';
    IF n = 0 THEN
        customers := 0; top20_customers := 0; top20_gmv_share := NULL; top20_threshold_minor := NULL;
        RETURN NEXT;
        RETURN;
    END IF;
    k := (n + 4) / 5; -- ntile(5)'s first group: ceil(n / 5)
    FOR r IN SELECT c.key::integer AS bucket, c.customers AS n, c.amount AS gmv
             FROM dashboard_current c WHERE c.kind = 'gmv' AND c.customers > 0
             ORDER BY c.key::integer DESC LOOP
        edge := r.bucket;
        EXIT WHEN above_n + r.n >= k;
        above_n := above_n + r.n;
        above_gmv := above_gmv + r.gmv;
    END LOOP;
    SELECT sum(t.g), min(t.g) INTO part_sum, part_min
    FROM (SELECT p.gmv_minor AS g FROM customer_profile p
          WHERE p.orders_total > 0 AND dashboard_gmv_bucket(p.gmv_minor) = edge
          ORDER BY p.gmv_minor DESC, p.customer_id
          LIMIT k - above_n) t;
    customers := n;
    top20_customers := k;
    top20_gmv_share := round((above_gmv + part_sum) / nullif(total, 0), 4);
    top20_threshold_minor := part_min;
    RETURN NEXT;
END
$$;

CREATE VIEW gmv_concentration AS
SELECT customers, top20_customers, top20_gmv_share, top20_threshold_minor,
       0.60 AS healthy_share_min
FROM dashboard_gmv_concentration();

CREATE VIEW cohort_retention AS
SELECT c.key::date AS cohort, c.customers,
       round(coalesce(r30.customers, 0)::numeric / c.customers, 4) AS retained_30d,
       round(coalesce(r60.customers, 0)::numeric / c.customers, 4) AS retained_60d,
       round(coalesce(r90.customers, 0)::numeric / c.customers, 4) AS retained_90d
FROM dashboard_current c
LEFT JOIN dashboard_current r30 ON r30.kind = 'cohort_30' AND r30.key = c.key
LEFT JOIN dashboard_current r60 ON r60.kind = 'cohort_60' AND r60.key = c.key
LEFT JOIN dashboard_current r90 ON r90.kind = 'cohort_90' AND r90.key = c.key
WHERE c.kind = 'cohort' AND c.customers > 0;

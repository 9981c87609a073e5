-- DESIGN 13 (issue 17, item 4): a customer expired by retention.inactive-after leaves their segment
-- with a change to none (to_segment 'EXPIRED'), so that a later history, which starts from none,
-- follows on from it. The daily segment counts count no one in 'EXPIRED': the aggregates the
-- triggers keep and the exact scan alike. (segment_counts, of the profiles now, still counts an
-- expired customer's kept profile in its last segment.)

CREATE OR REPLACE FUNCTION dashboard_change_contributions(c segment_change)
RETURNS TABLE (kind text, key text, customers bigint, amount numeric)
LANGUAGE sql IMMUTABLE AS $$
    SELECT 'changes', (c.at AT TIME ZONE 'UTC')::date::text, 1::bigint, 0::numeric
    UNION ALL
    SELECT 'segment_day', (c.at AT TIME ZONE 'UTC')::date::text || ' ' || s.segment, s.n, 0
    FROM (VALUES (c.to_segment, 1::bigint), (c.from_segment, -1::bigint)) AS s(segment, n)
    WHERE s.segment IS NOT NULL AND s.segment <> 'EXPIRED'
$$;

CREATE OR REPLACE FUNCTION dashboard_change_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r segment_change;
    sign bigint;
    day text;
BEGIN
    IF TG_OP = 'UPDATE' THEN -- the job never updates a change; take it back and add it again
        INSERT INTO dashboard_delta (kind, key, customers, amount)
        SELECT c.kind, c.key, -c.customers, -c.amount FROM dashboard_change_contributions(OLD) c
        UNION ALL
        SELECT c.kind, c.key, c.customers, c.amount FROM dashboard_change_contributions(NEW) c;
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN r := NEW; sign := 1; ELSE r := OLD; sign := -1; END IF;
    day := (r.at AT TIME ZONE 'UTC')::date::text;
    INSERT INTO dashboard_delta (kind, key, customers, amount) VALUES ('changes', day, sign, 0);
    IF r.to_segment <> 'EXPIRED' THEN
        INSERT INTO dashboard_delta (kind, key, customers, amount)
        VALUES ('segment_day', day || ' ' || r.to_segment, sign, 0);
    END IF;
    IF r.from_segment IS NOT NULL THEN
        INSERT INTO dashboard_delta (kind, key, customers, amount)
        VALUES ('segment_day', day || ' ' || r.from_segment, -sign, 0);
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE VIEW segment_counts_daily_exact AS
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
WHERE s.segment <> 'EXPIRED'
GROUP BY d.day, s.segment;

-- The V6 triggers made each profile write 2.5x as expensive inside PostgreSQL and cost the job a
-- third of its sustained rate in scripts/bench e2e (BENCHMARKS.md section 5): two set-returning
-- functions, a GROUP BY and an indexed insert per row. These compare the old and new row field by
-- field and insert only the contributions that changed, in one statement, into a heap without an
-- index (the rollup deletes every row it sees, so no key is needed).

ALTER TABLE dashboard_delta DROP COLUMN id;

CREATE FUNCTION dashboard_clv_bucket(net bigint) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN net < 0      THEN 0
                WHEN net < 5000   THEN 1
                WHEN net < 10000  THEN 2
                WHEN net < 15000  THEN 3
                WHEN net < 25000  THEN 4
                WHEN net < 50000  THEN 5
                WHEN net < 100000 THEN 6
                ELSE 7 END
$$;

CREATE OR REPLACE FUNCTION dashboard_profile_delta() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    kinds text[] := '{}';
    keys text[] := '{}';
    counts bigint[] := '{}';
    amounts numeric[] := '{}';
    o_has boolean := TG_OP <> 'INSERT' AND OLD.orders_total > 0;
    n_has boolean := TG_OP <> 'DELETE' AND NEW.orders_total > 0;
    o_key text;
    n_key text;
    o_gap double precision;
    n_gap double precision;
    w integer;
BEGIN
    -- segment
    IF TG_OP = 'INSERT' OR TG_OP = 'DELETE' OR OLD.segment IS DISTINCT FROM NEW.segment THEN
        IF TG_OP <> 'INSERT' THEN
            kinds := kinds || 'segment'::text; keys := keys || coalesce(OLD.segment, 'NONE');
            counts := counts || -1::bigint; amounts := amounts || 0::numeric;
        END IF;
        IF TG_OP <> 'DELETE' THEN
            kinds := kinds || 'segment'::text; keys := keys || coalesce(NEW.segment, 'NONE');
            counts := counts || 1::bigint; amounts := amounts || 0::numeric;
        END IF;
    END IF;
    -- CLV bucket
    o_key := CASE WHEN o_has THEN dashboard_clv_bucket(OLD.net_revenue_minor)::text END;
    n_key := CASE WHEN n_has THEN dashboard_clv_bucket(NEW.net_revenue_minor)::text END;
    IF o_key IS DISTINCT FROM n_key THEN
        IF o_key IS NOT NULL THEN
            kinds := kinds || 'clv'::text; keys := keys || o_key;
            counts := counts || -1::bigint; amounts := amounts || 0::numeric;
        END IF;
        IF n_key IS NOT NULL THEN
            kinds := kinds || 'clv'::text; keys := keys || n_key;
            counts := counts || 1::bigint; amounts := amounts || 0::numeric;
        END IF;
    END IF;
    -- GMV histogram: the count moves with the bucket, the amount with every change
    o_key := CASE WHEN o_has THEN dashboard_gmv_bucket(OLD.gmv_minor)::text END;
    n_key := CASE WHEN n_has THEN dashboard_gmv_bucket(NEW.gmv_minor)::text END;
    IF o_key IS NOT DISTINCT FROM n_key THEN
        IF n_key IS NOT NULL AND OLD.gmv_minor <> NEW.gmv_minor THEN
            kinds := kinds || 'gmv'::text; keys := keys || n_key;
            counts := counts || 0::bigint; amounts := amounts || (NEW.gmv_minor - OLD.gmv_minor)::numeric;
        END IF;
    ELSE
        IF o_key IS NOT NULL THEN
            kinds := kinds || 'gmv'::text; keys := keys || o_key;
            counts := counts || -1::bigint; amounts := amounts || (-OLD.gmv_minor)::numeric;
        END IF;
        IF n_key IS NOT NULL THEN
            kinds := kinds || 'gmv'::text; keys := keys || n_key;
            counts := counts || 1::bigint; amounts := amounts || NEW.gmv_minor::numeric;
        END IF;
    END IF;
    -- cohort and its 30/60/90-day retention
    o_key := CASE WHEN TG_OP <> 'INSERT' AND OLD.first_order_at IS NOT NULL
                  THEN date_trunc('month', OLD.first_order_at AT TIME ZONE 'UTC')::date::text END;
    n_key := CASE WHEN TG_OP <> 'DELETE' AND NEW.first_order_at IS NOT NULL
                  THEN date_trunc('month', NEW.first_order_at AT TIME ZONE 'UTC')::date::text END;
    o_gap := CASE WHEN TG_OP <> 'INSERT' THEN OLD.repeat_gap_days END;
    n_gap := CASE WHEN TG_OP <> 'DELETE' THEN NEW.repeat_gap_days END;
    IF o_key IS DISTINCT FROM n_key OR o_gap IS DISTINCT FROM n_gap THEN
        IF o_key IS NOT NULL THEN
            kinds := kinds || 'cohort'::text; keys := keys || o_key;
            counts := counts || -1::bigint; amounts := amounts || 0::numeric;
            FOREACH w IN ARRAY ARRAY[30, 60, 90] LOOP
                IF o_gap IS NOT NULL AND o_gap <= w THEN
                    kinds := kinds || ('cohort_' || w); keys := keys || o_key;
                    counts := counts || -1::bigint; amounts := amounts || 0::numeric;
                END IF;
            END LOOP;
        END IF;
        IF n_key IS NOT NULL THEN
            kinds := kinds || 'cohort'::text; keys := keys || n_key;
            counts := counts || 1::bigint; amounts := amounts || 0::numeric;
            FOREACH w IN ARRAY ARRAY[30, 60, 90] LOOP
                IF n_gap IS NOT NULL AND n_gap <= w THEN
                    kinds := kinds || ('cohort_' || w); keys := keys || n_key;
                    counts := counts || 1::bigint; amounts := amounts || 0::numeric;
                END IF;
            END LOOP;
        END IF;
    END IF;
    IF cardinality(kinds) > 0 THEN
        INSERT INTO dashboard_delta (kind, key, customers, amount)
        SELECT * FROM unnest(kinds, keys, counts, amounts);
    END IF;
    RETURN NULL;
END
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
    IF r.from_segment IS NULL THEN
        INSERT INTO dashboard_delta (kind, key, customers, amount) VALUES
            ('changes', day, sign, 0),
            ('segment_day', day || ' ' || r.to_segment, sign, 0);
    ELSE
        INSERT INTO dashboard_delta (kind, key, customers, amount) VALUES
            ('changes', day, sign, 0),
            ('segment_day', day || ' ' || r.to_segment, sign, 0),
            ('segment_day', day || ' ' || r.from_segment, -sign, 0);
    END IF;
    RETURN NULL;
END
$$;

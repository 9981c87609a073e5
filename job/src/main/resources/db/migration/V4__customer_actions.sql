-- Lifecycle actions (DESIGN section 11): every action the job decided, whatever its status, one row
-- per action_id (deterministic, so a replayed batch upserts the same row). Only DUE is actionable;
-- the other statuses record what was held back and why.

CREATE TABLE customer_action (
    action_id   text        PRIMARY KEY,  -- customer_id|action|order_id or due_at
    customer_id text        NOT NULL,
    marketplace text,
    action      text        NOT NULL,     -- REVIEW_REQUEST, WIN_BACK, HIGH_VALUE_REWARD, REPURCHASE_REMINDER
    due_at      timestamptz NOT NULL,     -- event time it became due
    order_id    text,
    priority    text        NOT NULL,     -- NORMAL, URGENT
    status      text        NOT NULL,     -- DUE, SKIPPED, EXPIRED, COOLDOWN, HELD, CAPPED
    reason      text,
    written_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX customer_action_by_customer ON customer_action (customer_id, due_at);
CREATE INDEX customer_action_by_due ON customer_action (due_at);

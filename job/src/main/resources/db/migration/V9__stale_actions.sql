-- DESIGN 13 (issue 17, item 2): an action due more than alerts.max-age behind the wall clock when the
-- job emitted it (a backlog, a bootstrap or a replay catching up) is stale: a record of what was due,
-- which an executor skips. Rows written before this release were never judged: false.
ALTER TABLE customer_action ADD COLUMN stale boolean NOT NULL DEFAULT false;

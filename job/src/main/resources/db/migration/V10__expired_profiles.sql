-- DESIGN 13 (issue 17, item 4): a customer with no event for retention.inactive-after is expired;
-- their last profile stays with expired_at. A later event starts a new history, whose versions start
-- again at 1: the job's upsert keeps the newer (updated_at, version), not the higher version alone.
ALTER TABLE customer_profile ADD COLUMN expired_at timestamptz;

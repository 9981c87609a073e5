-- The dashboard reads as a role that can only read (docs/dashboard.md). Folding the aggregates'
-- deltas changes nothing any view shows, so any role may run dashboard_rollup(), with the rights of
-- its owner (the role that migrated: the job's), and only that.
ALTER FUNCTION dashboard_rollup() SECURITY DEFINER SET search_path = public, pg_temp;

-- Outcome of every per-entity fetch of the snapshot (`missing` = 404), to explain dangling edges and report the
-- crawl's coverage. Read directly: crawl bookkeeping written by every raw asset, not a data source of its own
-- (like raw.crawl_state).
select snapshot_date, kind, key, status, priority, requests, stale
from raw.fetch_queue
where snapshot_date = {{ build_snapshot_date() }}

-- One row per task of the `/api/tasks` catalogue (an object keyed by task id).
with rows as ({{ entity_rows('tasks') }}),

entries as (
    select snapshot_date, observed_at, task_id, body -> task_id as task  -- a bare key, not a JSON path
    from rows, unnest(json_keys(body)) as k(task_id)
)

select
    snapshot_date,
    observed_at,
    task_id,
    coalesce(task ->> 'label', task_id) as label,
    try_cast(task ->> 'isPlaceholder' as boolean) as is_placeholder
from entries

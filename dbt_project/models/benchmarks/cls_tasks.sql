-- Label vocabulary of the task-classification benchmark: the snapshot's task catalogue, ids numbered alphabetically
-- from 0 (HuggingBench's `task_to_id.txt`).
select
    id as task_id,
    label,
    (row_number() over (order by id) - 1)::integer as label_index,
    snapshot_date
from {{ ref('tasks') }}
where snapshot_date = {{ build_snapshot_date() }}

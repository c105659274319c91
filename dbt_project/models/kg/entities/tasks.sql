-- HuggingKG's task entity: the `/api/tasks` catalogue.
select task_id as id, label, snapshot_date
from {{ ref('stg_tasks') }}

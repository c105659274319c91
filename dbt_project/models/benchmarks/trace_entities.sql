-- Model tracing entity ids: every model in a trace triple, numbered by id from 0 (LibKGE's `entity_ids.del`, the
-- baselines' embedding rows), with its creation time for time-aware baselines.
with entities as (
    select head as entity_id from {{ ref('trace_triples') }} where snapshot_date = {{ build_snapshot_date() }}
    union
    select tail from {{ ref('trace_triples') }} where snapshot_date = {{ build_snapshot_date() }}
)

select
    (row_number() over (order by e.entity_id) - 1)::bigint as entity_index,
    e.entity_id,
    m.created_at,
    {{ build_snapshot_date() }} as snapshot_date
from entities as e
left join {{ ref('models') }} as m on m.id = e.entity_id and m.snapshot_date = {{ build_snapshot_date() }}

-- Model tracing relation ids: the lineage relations present in the trace triples, numbered by name from 0
-- (LibKGE's `relation_ids.del`).
select
    (row_number() over (order by relation) - 1)::integer as relation_index,
    relation,
    {{ build_snapshot_date() }} as snapshot_date
from (select distinct relation from {{ ref('trace_triples') }} where snapshot_date = {{ build_snapshot_date() }})

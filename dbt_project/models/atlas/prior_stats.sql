-- Model Atlas structural priors measured on this snapshot, one row per metric, next to the paper's value
-- (arXiv 2503.10633 App. C). Shares are over documented edges whose ends both have a creation date.
with edges as (
    select * from {{ ref('atlas_edges') }} where snapshot_date = {{ build_snapshot_date() }}
),

violations as (
    select violation, count(*) as n
    from {{ ref('prior_violations') }}
    where snapshot_date = {{ build_snapshot_date() }}
    group by violation
),

nodes as (
    select * from {{ ref('atlas_nodes') }} where snapshot_date = {{ build_snapshot_date() }}
),

quantized as (
    select count(*) as models, count(*) filter (where is_leaf) as leaves
    from nodes
    where relation_type = 'quantized'
),

metrics as (
    select 'lineage_edges' as metric, count(*)::double as value, 400000.0 as paper_value from edges
    union all
    select 'placeholder_nodes', count(*), 1612.0 from nodes where is_placeholder
    union all
    select 'edges_to_placeholders', count(*), null from edges where base_is_placeholder
    union all
    select
        'parent_older_percent',
        round(100.0 * count(*) filter (where base_created_at < model_created_at) / nullif(count(*), 0), 2),
        99.73
    from edges
    where base_created_at is not null and model_created_at is not null
    union all
    select 'parent_not_older_edges', coalesce((select n from violations where violation = 'parent_not_older'), 0), null
    union all
    select 'quantized_leaf_percent', round(100.0 * leaves / nullif(models, 0), 2), 99.41 from quantized
    union all
    select 'quantized_not_leaf_models', models - leaves, null from quantized
    union all
    select 'cycles_found', count(distinct cycle_id), null from edges where cycle_id is not null
    union all
    select 'cycle_edges_dropped', count(*), null from edges where breaks_cycle
    union all
    select 'components', count(distinct component_id), null from nodes where component_size > 1
    union all
    select 'roots', count(*), 33870.0 from nodes where relation_type = 'root' and not is_leaf
)

select metric, value, paper_value, {{ build_snapshot_date() }} as snapshot_date
from metrics

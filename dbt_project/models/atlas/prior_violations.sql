-- The edges and models that break the atlas's structural priors, one row each, so every number in
-- `prior_stats` can be traced: a child created before its parent, a quantized model with children, and the
-- edges dropped to break a cycle.
with edges as (
    select * from {{ ref('atlas_edges') }} where snapshot_date = {{ build_snapshot_date() }}
),

quantized_parents as (
    select e.base_model_id, min(e.model_id) as example_child, count(*) as children
    from edges as e
    where not e.breaks_cycle
        and e.base_model_id in (select q.model_id from edges as q where q.relation = 'quantized')
    group by e.base_model_id
)

select
    'parent_not_older' as violation,
    base_model_id,
    model_id,
    relation,
    'parent created ' || base_created_at::varchar || ', child ' || model_created_at::varchar as detail,
    {{ build_snapshot_date() }} as snapshot_date
from edges
where base_created_at >= model_created_at
union all
select
    'quantized_not_leaf',
    base_model_id,
    example_child,
    'quantized',
    children::varchar || ' child model(s)',
    {{ build_snapshot_date() }}
from quantized_parents
union all
select
    'cycle_edge_dropped',
    base_model_id,
    model_id,
    relation,
    'cycle ' || cycle_id || ': parent is not older than child',
    {{ build_snapshot_date() }}
from edges
where breaks_cycle

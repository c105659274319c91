-- Lineage edges of the snapshot as the atlas draws them: the four lineage marts plus the stated edges whose base
-- no longer exists (that base becomes a placeholder node). The atlas must be a DAG, so cycles are found here and
-- broken by the temporal prior: inside a cycle, every edge whose parent is not older than its child (by
-- `created_at`, then id, so the order is total) is dropped; the remaining cycle edges all point forward in time.
with recursive

models as (
    select id, created_at from {{ ref('models') }} where snapshot_date = {{ build_snapshot_date() }}
),

stated as (
    {%- for relation in ['adapter', 'finetune', 'merge', 'quantized'] %}
    select base_model_id, model_id, '{{ relation }}' as relation, lineage_source, false as base_is_placeholder
    from {{ ref('model_' ~ relation ~ '_model') }}
    where snapshot_date = {{ build_snapshot_date() }}
    union all
    {%- endfor %}
    select head, tail, split_part(relation, '_', 2), lineage_source, true
    from {{ ref('kg_dangling_edges') }}
    where snapshot_date = {{ build_snapshot_date() }} and lineage_source is not null and endpoint_missing
),

-- Only edges between models that have both a parent and a child can lie on a cycle: the closure stays small.
inner_edges as (
    select base_model_id, model_id
    from stated
    where base_model_id in (select model_id from stated) and model_id in (select base_model_id from stated)
),

-- `union` (not `union all`) keeps each pair once, so the recursion ends even on a cycle.
reach(ancestor, descendant) as (
    select base_model_id, model_id from inner_edges
    union
    select r.ancestor, e.model_id from reach as r inner join inner_edges as e on e.base_model_id = r.descendant
),

-- Strongly connected components of more than one model, labelled by their smallest member id.
cycle_of as (
    select a.ancestor as model_id, min(a.descendant) as cycle_id
    from reach as a
    inner join reach as b on b.ancestor = a.descendant and b.descendant = a.ancestor
    group by a.ancestor
)

select
    s.base_model_id,
    s.model_id,
    s.relation,
    s.lineage_source,
    s.base_is_placeholder,
    p.created_at as base_created_at,
    c.created_at as model_created_at,
    -- an edge lies on a cycle when both its ends are in the same strongly connected component
    case when cp.cycle_id = cc.cycle_id then cp.cycle_id end as cycle_id,
    coalesce(cp.cycle_id = cc.cycle_id, false)
        and (coalesce(p.created_at, 'infinity'::timestamptz), s.base_model_id)
            > (coalesce(c.created_at, 'infinity'::timestamptz), s.model_id) as breaks_cycle,
    {{ build_snapshot_date() }} as snapshot_date
from stated as s
left join models as p on p.id = s.base_model_id
left join models as c on c.id = s.model_id
left join cycle_of as cp on cp.model_id = s.base_model_id
left join cycle_of as cc on cc.model_id = s.model_id

-- Per model and imputed attribute, the majority value among its labelled siblings (models sharing a parent), the
-- model itself never counted: the hub vote of Model Atlas Table 1b. Siblings are counted per parent from (parent,
-- value) tallies, so a parent with 10,000 children costs 10,000 rows, not 10,000² sibling pairs; a sibling under
-- two shared parents (merges) votes twice. Ties go to the value that is more common overall, then alphabetically.
-- Built once per build for `imputation` (its leave-one-out evaluation) and `model_imputed` (its use).
with
{{ attribute_label_ctes() }},

edges as (
    select distinct base_model_id, model_id
    from {{ ref('atlas_edges') }}
    where snapshot_date = {{ build_snapshot_date() }} and not breaks_cycle
),

hub_tally as (
    select e.base_model_id, l.attribute, l.value, count(*) as n
    from edges as e
    inner join labels as l using (model_id)
    group by all
),

sibling_votes as (
    select
        e.model_id,
        t.attribute,
        t.value,
        sum(t.n - (own.value is not distinct from t.value)::int) as votes
    from edges as e
    inner join hub_tally as t using (base_model_id)
    left join labels as own on own.model_id = e.model_id and own.attribute = t.attribute
    group by all
)

select
    v.model_id,
    v.attribute,
    arg_max(v.value, (v.votes, f.models, v.value)) as value,
    sum(v.votes) as labelled_siblings,
    {{ build_snapshot_date() }} as snapshot_date
from sibling_votes as v
inner join frequency as f using (attribute, value)
where v.votes > 0
group by v.model_id, v.attribute

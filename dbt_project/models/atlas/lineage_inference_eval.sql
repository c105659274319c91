-- The lineage proposer scored on documented edges held out from it: it reads no lineage, so proposing a parent for
-- every model whose parent is documented (and exists) and comparing is a held-out test. Precision = proposals
-- naming a documented parent / proposals; recall = those / models with a documented parent; per confidence
-- cut-off, `published` marking the one `inferred_lineage` uses.
with documented as (
    select base_model_id, model_id, relation
    from {{ ref('atlas_edges') }}
    where snapshot_date = {{ build_snapshot_date() }} and not base_is_placeholder
),

scored as (
    select
        b.confidence,
        d.model_id is not null as correct,
        d.relation = b.relation as relation_correct
    from {{ ref('int_lineage_candidates') }} as b
    left join documented as d using (model_id, base_model_id)
    where b.model_id in (select model_id from documented)
),

cutoffs as (select unnest([0.1, 0.3, 0.5, 0.7, 0.9]) as cutoff)

select
    c.cutoff,
    c.cutoff = {{ inferred_lineage_cutoff() }} as published,
    (select count(distinct model_id) from documented) as documented_models,
    count(s.confidence) as proposals,
    count(*) filter (where s.correct) as correct,
    round(count(*) filter (where s.correct) / nullif(count(s.confidence), 0), 4) as precision,
    round(count(*) filter (where s.correct) / (select count(distinct model_id) from documented), 4) as recall,
    round(count(*) filter (where s.relation_correct) / nullif(count(*) filter (where s.correct), 0), 4)
        as relation_accuracy,
    {{ build_snapshot_date() }} as snapshot_date
from cutoffs as c
left join scored as s on s.confidence >= c.cutoff
group by c.cutoff

-- How each modality derives models: share of quantized models, adapters, merges and full fine-tunes among the
-- models of a modality. A model without a task (GGUF quants often have none) takes its family root's modality.
with nodes as (
    select n.model_id, n.relation_type, n.component_root
    from {{ ref('atlas_nodes') }} as n
    where n.snapshot_date = {{ build_snapshot_date() }} and not n.is_placeholder
),

tasks as (
    select id, pipeline_tag from {{ ref('models') }} where snapshot_date = {{ build_snapshot_date() }}
),

modalities as (
    select
        n.relation_type,
        coalesce({{ modality('t.pipeline_tag') }}, {{ modality('r.pipeline_tag') }}, 'unknown') as modality
    from nodes as n
    inner join tasks as t on t.id = n.model_id
    left join tasks as r on r.id = n.component_root
)

select
    modality,
    count(*) as models,
    count(*) filter (where relation_type <> 'root') as derived_models,
    count(*) filter (where relation_type = 'quantized') as quantized,
    count(*) filter (where relation_type = 'adapter') as adapters,
    count(*) filter (where relation_type = 'merge') as merges,
    count(*) filter (where relation_type = 'finetune') as finetunes,
    round(quantized / models, 4) as quantized_share,
    round(adapters / models, 4) as adapter_share,
    round(merges / models, 4) as merge_share,
    round(adapters / nullif(derived_models, 0), 4) as adapter_share_of_derived,
    {{ build_snapshot_date() }} as snapshot_date
from modalities
group by modality

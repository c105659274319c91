-- Graph of the task-classification benchmark, among labelled nodes only: lineage (base → derived model), training
-- data (model → dataset) and citation of a shared paper (pairs once, smaller id first; papers cited by more than
-- `cls_max_paper_citers` labelled nodes are skipped: they would add a quadratic clique that says little).
{%- set lineage = ['model_adapter_model', 'model_finetune_model', 'model_merge_model', 'model_quantized_model'] %}
with nodes as (
    select node_id from {{ ref('cls_nodes') }} where snapshot_date = {{ build_snapshot_date() }}
),

cites as (
    select node_id, arxiv_id
    from (
        select 'model:' || model_id as node_id, arxiv_id
        from {{ ref('model_cite_paper') }}
        where snapshot_date = {{ build_snapshot_date() }}
        union
        select 'dataset:' || dataset_id, arxiv_id
        from {{ ref('dataset_cite_paper') }}
        where snapshot_date = {{ build_snapshot_date() }}
    )
    where node_id in (select node_id from nodes)
    qualify count(*) over (partition by arxiv_id) <= {{ bench_var('cls_max_paper_citers') }}
),

edges as (
    {%- for r in lineage %}
    select 'model:' || base_model_id as source_id, 'model:' || model_id as target_id, '{{ r }}' as relation
    from {{ ref(r) }}
    where snapshot_date = {{ build_snapshot_date() }}
    union all
    {%- endfor %}
    select 'model:' || model_id, 'dataset:' || dataset_id, 'model_trainedOrFineTunedOn_dataset'
    from {{ ref('model_trainedOrFineTunedOn_dataset') }}
    where snapshot_date = {{ build_snapshot_date() }}
    union all
    select a.node_id, b.node_id, 'cite_same_paper'
    from cites as a
    inner join cites as b on a.arxiv_id = b.arxiv_id and a.node_id < b.node_id
)

select distinct source_id, target_id, relation, {{ build_snapshot_date() }} as snapshot_date
from edges
where source_id in (select node_id from nodes) and target_id in (select node_id from nodes) and source_id <> target_id

-- Counters move daily on many rows: kept beside the history, not in it (macros/validity_intervals.sql).
{{ config(counter_columns=['downloads', 'downloads_all_time', 'likes', 'trending_score']) }}
-- HuggingKG's model entity, plus the attributes users ask for (all-time downloads, gating, parameter count,
-- base models, card presence). Plural table names: `user` is a reserved word, so every entity table is plural.
-- Tags are bucketed like HuggingKG's: region, license, languages (card `language`), libraries, the task label, and
-- the remaining bare tags as `other`.
with lineage as (
    select model_id, list(base_model_id order by base_model_id) as base_models
    from {{ ref('int_model_lineage') }}
    group by model_id
),

tasks as (select task_id, label from {{ ref('stg_tasks') }}),

-- The card's languages, parsed once per model: `other` tests each bare tag against them.
with_languages as (
    select *, {{ json_string_or_list("card_data -> '$.language'") }} as languages from {{ ref('stg_models') }}
)

select
    m.model_id as id,
    m.object_id,
    split_part(m.model_id, '/', 2) as name,
    m.author,
    m.created_at,
    m.last_modified,
    m.downloads,
    m.downloads_all_time,
    m.likes,
    m.trending_score,
    m.library_name,
    list_distinct(list_filter(
        [m.library_name] || {{ json_string_or_list("m.card_data -> '$.library_name'") }}, lambda x: x is not null
    )) as libraries,
    m.pipeline_tag,
    t.label as pipeline_tag_label,
    {{ tag_values('m.tags', 'license') }}[1] as license,
    {{ tag_values('m.tags', 'region') }}[1] as region,
    m.languages,
    list_filter(
        m.tags,
        lambda x: strpos(x, ':') = 0
            and x is distinct from m.library_name
            and x is distinct from m.pipeline_tag
            and not list_contains(m.languages, x)
    ) as other,
    m.gated,
    m.parameters,
    l.base_models,
    m.card_data is not null and m.card_data::varchar not in ('null', '{}') as has_card,
    r.card_text,
    r.card_truncated,
    m.snapshot_date
from with_languages as m
left join lineage as l using (model_id)
left join {{ ref('stg_readmes') }} as r
    on r.repo_type = 'model' and r.repo_id = m.model_id and r.snapshot_date = m.snapshot_date
left join tasks as t on t.task_id = m.pipeline_tag

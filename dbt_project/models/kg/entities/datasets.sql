-- Counters move daily on many rows: kept beside the history, not in it (macros/validity_intervals.sql).
{{ config(counter_columns=['downloads', 'downloads_all_time', 'likes', 'trending_score']) }}
-- HuggingKG's dataset entity: tags bucketed by prefix as HuggingKG does (task_categories as task labels,
-- task_ids as sub-tasks, size_categories, format, modality, library, license, language; the rest in `tags`).
with tasks as (select task_id, label from {{ ref('stg_tasks') }}),

categories as (
    select t.repo_id, list(coalesce(k.label, t.value) order by t.value) as task_labels
    from {{ ref('int_repo_tags') }} as t
    left join tasks as k on k.task_id = t.value
    where t.repo_type = 'dataset' and t.prefix = 'task_categories'
    group by t.repo_id
)

select
    d.dataset_id as id,
    d.object_id,
    split_part(d.dataset_id, '/', 2) as name,
    d.author,
    d.created_at,
    d.last_modified,
    d.downloads,
    d.downloads_all_time,
    d.likes,
    d.trending_score,
    {{ tag_values('d.tags', 'library') }} as libraries,
    {{ tag_values('d.tags', 'license') }}[1] as license,
    {{ tag_values('d.tags', 'language') }} as languages,
    {{ tag_values('d.tags', 'task_ids') }} as sub_tasks,
    coalesce(c.task_labels, []) as tasks,
    {{ tag_values('d.tags', 'size_categories') }}[1] as size,
    {{ tag_values('d.tags', 'format') }} as formats,
    {{ tag_values('d.tags', 'modality') }} as modalities,
    {{ tag_values('d.tags', 'region') }}[1] as region,
    list_filter(
        d.tags,
        lambda x: split_part(x, ':', 1) not in (
            'library', 'license', 'language', 'task_ids', 'task_categories', 'size_categories', 'format',
            'modality', 'region', 'arxiv'
        )
    ) as tags,
    d.description,
    d.gated,
    d.card_data is not null and d.card_data::varchar not in ('null', '{}') as has_card,
    r.card_text,
    r.card_truncated,
    d.snapshot_date
from {{ ref('stg_datasets') }} as d
left join {{ ref('stg_readmes') }} as r
    on r.repo_type = 'dataset' and r.repo_id = d.dataset_id and r.snapshot_date = d.snapshot_date
left join categories as c on c.repo_id = d.dataset_id

-- HuggingBench task classification: models and datasets with ≥ 1 task label, multi-label over cls_tasks, with text
-- and tag features that cannot reveal the label, and a time split on created_at at per-snapshot quantile cut-offs.
-- Nodes of unknown creation time go to train: the Hub reports a placeholder (read as null) for repos created
-- before March 2022, older than every dated repo.
with tasks as (
    select task_id, label, label_index, snapshot_date
    from {{ ref('cls_tasks') }}
    where snapshot_date = {{ build_snapshot_date() }}
),

labels as (
    select 'model:' || model_id as node_id, task_id
    from {{ ref('model_definedFor_task') }}
    where snapshot_date = {{ build_snapshot_date() }}
    union
    select 'dataset:' || dataset_id, task_id
    from {{ ref('dataset_definedFor_task') }}
    where snapshot_date = {{ build_snapshot_date() }}
),

labelled as (
    select
        l.node_id,
        list(l.task_id order by l.task_id) as labels,
        list(t.label_index order by l.task_id) as label_indices
    from labels as l
    inner join tasks as t using (task_id)
    group by l.node_id
),

-- every tag-like attribute the kg tables keep, prefixed as on the Hub (the pipeline tag, task_categories and
-- task_ids are left out up front: they are the labels)
node_rows as (
    select
        'model:' || id as node_id,
        'model' as node_type,
        id as repo_id,
        name,
        created_at,
        card_text as prose,
        libraries
        || list_transform(languages, lambda x: 'language:' || x)
        || ['license:' || license, 'region:' || region]
        || other as raw_tags
    from {{ ref('models') }}
    where snapshot_date = {{ build_snapshot_date() }}
    union all
    select
        'dataset:' || id,
        'dataset',
        id,
        name,
        created_at,
        coalesce(card_text, {{ strip_front_matter('description') }}) as prose,
        list_transform(libraries, lambda x: 'library:' || x)
        || list_transform(languages, lambda x: 'language:' || x)
        || list_transform(formats, lambda x: 'format:' || x)
        || list_transform(modalities, lambda x: 'modality:' || x)
        || ['license:' || license, 'size_categories:' || size, 'region:' || region]
        || tags
    from {{ ref('datasets') }}
    where snapshot_date = {{ build_snapshot_date() }}
),

-- the labelled nodes only, before anything reads them twice: unlabelled ones would carry their prose and tag lists
-- into the materialised CTE for nothing
nodes as (select * from node_rows semi join labelled using (node_id)),

tag_rows as (
    select distinct n.node_id, unnest(n.raw_tags) as tag, {{ build_snapshot_date() }} as snapshot_date
    from nodes as n
),

revealing as ({{ label_revealing_tags('tag_rows', 'tasks') }}),

-- tag_rows is distinct already: an anti join keeps it so, where `except` would hash both sides again
kept_tags as (
    select node_id, list(tag order by tag) as tags
    from tag_rows as g
    anti join revealing as r using (node_id, tag)
    where g.tag is not null
    group by node_id
),

featured as (
    select
        n.node_id,
        n.node_type,
        n.repo_id,
        n.created_at,
        l.labels,
        l.label_indices,
        coalesce(k.tags, []) as tags,
        -- card prose without its front matter (which states task_categories): stg_readmes, strip_front_matter
        concat_ws(
            e'\n',
            n.name,
            nullif(trim(n.prose), ''),
            case when n.node_type = 'model' then array_to_string(coalesce(k.tags, []), ' ') end
        ) as text
    from nodes as n
    inner join labelled as l using (node_id)
    left join kept_tags as k using (node_id)
),

cutoffs as (
    select
        quantile_disc(created_at, {{ bench_var('cls_train_quantile') }}) as valid_from,
        quantile_disc(created_at, {{ bench_var('cls_valid_quantile') }}) as test_from
    from featured
)

select
    (row_number() over (order by f.node_id) - 1)::bigint as node_index,
    f.node_id,
    f.node_type,
    f.repo_id,
    f.created_at,
    case
        when f.created_at is null or f.created_at < c.valid_from then 'train'
        when f.created_at < c.test_from then 'valid'
        else 'test'
    end as split,
    f.labels,
    f.label_indices,
    f.text,
    f.tags,
    {{ build_snapshot_date() }} as snapshot_date
from featured as f
cross join cutoffs as c

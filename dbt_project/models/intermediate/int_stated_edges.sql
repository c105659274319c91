-- Every edge the snapshot states, before checking that its endpoints exist: one row per distinct
-- (relation, head, tail) with HuggingKG's relation names and directions. Lineage rows carry their sources, what
-- decided their relation and, for candidates that lost (int_model_lineage), why they are not edges.
-- A view: int_edges is its one reader and keeps its rows one for one (and carries its tests), so writing it as a
-- table too would write and read every like and follow once more per build.
{{ config(materialized='view') }}
with lineage as (
    select
        snapshot_date,
        'model_' || relation || '_model' as relation,
        base_model_id as head_id,
        model_id as tail_id,
        source as lineage_source,
        sources as lineage_sources,
        relation_source,
        dropped_reason
    from {{ ref('int_model_lineage') }}
),

tagged as (
    select
        snapshot_date,
        case
            when repo_type = 'model' and prefix = 'dataset' then 'model_trainedOrFineTunedOn_dataset'
            when prefix = 'arxiv' then repo_type || '_cite_paper'
            when repo_type = 'dataset' and prefix = 'task_categories' then 'dataset_definedFor_task'
        end as relation,
        repo_id as head_id,
        value as tail_id
    from {{ ref('int_repo_tags') }}
    where (repo_type = 'model' and prefix = 'dataset')
        or (repo_type in ('model', 'dataset') and prefix = 'arxiv')
        or (repo_type = 'dataset' and prefix = 'task_categories')
),

-- `cardData.datasets` complements the `dataset:` tags (the Hub does not always tag every card dataset).
card_datasets as (
    select
        snapshot_date,
        'model_trainedOrFineTunedOn_dataset' as relation,
        model_id as head_id,
        unnest({{ json_string_or_list("card_data -> '$.datasets'") }}) as tail_id
    from {{ ref('stg_models') }}
    where card_data is not null
),

model_tasks as (
    select snapshot_date, 'model_definedFor_task' as relation, model_id as head_id, pipeline_tag as tail_id
    from {{ ref('stg_models') }}
    where pipeline_tag is not null
),

space_uses as (
    select snapshot_date, 'space_use_model' as relation, space_id as head_id, unnest(used_models) as tail_id
    from {{ ref('stg_spaces') }}
    union all
    select snapshot_date, 'space_use_dataset', space_id, unnest(used_datasets)
    from {{ ref('stg_spaces') }}
),

collection_items as (
    select snapshot_date, collection_slug, unnest(items) as item
    from {{ ref('stg_collections') }}
),

-- Items of type `collection` or `bucket` have no HuggingKG relation; they are counted in kg_dangling_edges'
-- docs rather than invented here.
contains as (
    select
        snapshot_date,
        'collection_contain_' || (item ->> 'type') as relation,
        collection_slug as head_id,
        item ->> 'id' as tail_id
    from collection_items
    where item ->> 'type' in ('model', 'dataset', 'space', 'paper')
),

accounts as (select name, account_type from {{ ref('int_accounts') }}),

-- "publish" = the repo's owner namespace, typed by the account resolution (an unresolved author stays a user
-- edge, and dangles).
publishes as (
    select r.snapshot_date, r.repo_type, r.repo_id, r.author, a.account_type
    from (
        select snapshot_date, 'model' as repo_type, model_id as repo_id, author from {{ ref('stg_models') }}
        union all
        select snapshot_date, 'dataset', dataset_id, author from {{ ref('stg_datasets') }}
        union all
        select snapshot_date, 'space', space_id, author from {{ ref('stg_spaces') }}
    ) as r
    left join accounts as a on a.name = r.author
),

publish_edges as (
    select
        snapshot_date,
        case when account_type = 'organization' then 'org' else 'user' end || '_publish_' || repo_type as relation,
        author as head_id,
        repo_id as tail_id
    from publishes
),

paper_authors as (
    select snapshot_date, arxiv_id, unnest(authors) as author
    from {{ ref('stg_papers') }}
),

paper_edges as (
    select
        snapshot_date,
        'user_publish_paper' as relation,
        coalesce(author -> '$.user' ->> 'user', author -> '$.user' ->> 'name') as head_id,
        arxiv_id as tail_id
    from paper_authors
    where json_type(author, '$.user') = 'OBJECT'
),

owns as (
    select
        c.snapshot_date,
        case coalesce(a.account_type, c.owner_type) when 'user' then 'user' else 'org' end || '_own_collection'
            as relation,
        c.owner_name as head_id,
        c.collection_slug as tail_id
    from {{ ref('stg_collections') }} as c
    left join accounts as a on a.name = c.owner_name
),

likes as (
    select snapshot_date, 'user_like_' || repo_type as relation, user_name as head_id, repo_id as tail_id
    from {{ ref('stg_likers') }}
),

social as (
    select snapshot_date, 'user_follow_user' as relation, follower_name as head_id, followee_name as tail_id
    from {{ ref('stg_user_followers') }}
    union all
    select snapshot_date, 'user_follow_org', follower_name, org_name from {{ ref('stg_org_followers') }}
    union all
    select snapshot_date, 'user_affiliatedWith_org', member_name, org_name from {{ ref('stg_org_members') }}
),

non_lineage as (
    select * from tagged
    union all select * from card_datasets
    union all select * from model_tasks
    union all select * from space_uses
    union all select * from contains
    union all select * from publish_edges
    union all select * from paper_edges
    union all select * from owns
    union all select * from likes
    union all select * from social
)

-- one row per edge stated more than once (a dataset both tagged and in cardData): the distinct hashes the edge's
-- four columns only, not the lineage columns, which are null here
select
    snapshot_date,
    relation,
    head_id,
    tail_id,
    null::varchar as lineage_source,
    null::varchar[] as lineage_sources,
    null::varchar as relation_source,
    null::varchar as dropped_reason
from (
    select distinct snapshot_date, relation, head_id, trim(tail_id) as tail_id
    from non_lineage
    where head_id is not null and tail_id is not null and trim(tail_id) <> ''
)
union all
select * from lineage

-- Parsed `<prefix>:<value>` tags of every repo (base_model, dataset, arxiv, license, language, task_categories,
-- region, ...), one row per distinct tag. Bare tags (no colon) stay in the staging lists.
-- A view: its three readers each keep a few prefixes, and deriving those again cost less than writing 4.7M tag rows
-- (HuggingKG's size) for them to read.
{{ config(materialized='view') }}
with tags as (
    select snapshot_date, 'model' as repo_type, model_id as repo_id, unnest(tags) as tag from {{ ref('stg_models') }}
    union all
    select snapshot_date, 'dataset', dataset_id, unnest(tags) from {{ ref('stg_datasets') }}
    union all
    select snapshot_date, 'space', space_id, unnest(tags) from {{ ref('stg_spaces') }}
)

-- deduplicated on the tag alone: prefix and value are functions of it, so hashing them too was work for nothing
select
    snapshot_date,
    repo_type,
    repo_id,
    split_part(tag, ':', 1) as prefix,
    substr(tag, strpos(tag, ':') + 1) as value,
    tag
from (select distinct snapshot_date, repo_type, repo_id, tag from tags where strpos(tag, ':') > 1)

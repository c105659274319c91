-- Every node id of the snapshot by type: what an edge endpoint must match to be in the graph.
-- A view: int_edges is its one reader, and writing 2.6M ids (HuggingKG's size) cost more than reading the staging
-- ids again. Each id is tested unique and not null where it comes from, so the union needs no test of its own.
{{ config(materialized='view') }}
select snapshot_date, 'task' as node_type, task_id as node_id from {{ ref('stg_tasks') }}
union all
select snapshot_date, 'model', model_id from {{ ref('stg_models') }}
union all
select snapshot_date, 'dataset', dataset_id from {{ ref('stg_datasets') }}
union all
select snapshot_date, 'space', space_id from {{ ref('stg_spaces') }}
union all
select snapshot_date, 'paper', arxiv_id from {{ ref('stg_papers') }}
union all
select snapshot_date, 'collection', collection_slug from {{ ref('stg_collections') }}
union all
select snapshot_date, 'user', name from {{ ref('int_accounts') }} where account_type = 'user'
union all
select snapshot_date, 'organization', name from {{ ref('int_accounts') }} where account_type = 'organization'

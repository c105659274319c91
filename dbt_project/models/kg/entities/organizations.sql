-- Counters move with every like and follow: kept beside the history, not in it (macros/validity_intervals.sql).
{{ config(counter_columns=['num_followers']) }}
-- HuggingKG's organization entity (id = org name, fullname) plus overview counters.
select
    name as id,
    object_id,
    fullname,
    is_verified,
    plan,
    num_users,
    num_models,
    num_datasets,
    num_spaces,
    num_papers,
    num_followers,
    snapshot_date
from {{ ref('stg_principals') }}
where account_type = 'organization'

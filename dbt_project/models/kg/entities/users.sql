-- Counters move with every like and follow: kept beside the history, not in it (macros/validity_intervals.sql).
{{ config(counter_columns=['num_followers', 'num_following', 'num_likes']) }}
-- HuggingKG's user entity (id = username, fullname) plus overview counters.
select
    name as id,
    object_id,
    fullname,
    is_pro,
    created_at,
    num_models,
    num_datasets,
    num_spaces,
    num_papers,
    num_followers,
    num_following,
    num_likes,
    snapshot_date
from {{ ref('stg_principals') }}
where account_type = 'user'

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

-- One row per account name, resolved as a user (overview found) or else an organisation.
with rows as ({{ entity_rows('principals', fields=['_id', 'fullname', 'details', 'isPro', 'isVerified', 'plan', 'numModels', 'numDatasets', 'numSpaces', 'numPapers', 'numFollowers', 'numFollowing', 'numLikes', 'numUsers', 'createdAt']) }})

select
    snapshot_date,
    observed_at,
    key as name,
    case variant when 'org' then 'organization' else 'user' end as account_type,
    {{ json_text('_id') }} as object_id,
    {{ inert_text(json_text('fullname')) }} as fullname,
    {{ inert_text(json_text('details')) }} as details,
    {{ json_bool('isPro') }} as is_pro,
    {{ json_bool('isVerified') }} as is_verified,
    {{ json_text('plan') }} as plan,
    {{ json_created_at() }} as created_at,
    {{ json_bigint('numModels') }} as num_models,
    {{ json_bigint('numDatasets') }} as num_datasets,
    {{ json_bigint('numSpaces') }} as num_spaces,
    {{ json_bigint('numPapers') }} as num_papers,
    {{ json_bigint('numFollowers') }} as num_followers,
    {{ json_bigint('numFollowing') }} as num_following,
    {{ json_bigint('numLikes') }} as num_likes,
    {{ json_bigint('numUsers') }} as num_users
from rows

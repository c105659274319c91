-- One row per dataset of the snapshot, typed and flattened.
with rows as ({{ snapshot_rows('datasets', fields=['author', 'createdAt', 'lastModified', 'downloads', 'downloadsAllTime', 'likes', 'trendingScore', 'gated', 'private', 'disabled', 'sha', 'tags', 'cardData', 'description', 'citation']) }})

select
    snapshot_date,
    observed_at,
    key as object_id,
    id as dataset_id,
    coalesce({{ json_text('author') }}, split_part(id, '/', 1)) as author,
    {{ json_created_at() }} as created_at,
    {{ json_ts('createdAt') }} as created_at_reported,
    {{ json_ts('lastModified') }} as last_modified,
    {{ json_bigint('downloads') }} as downloads,
    {{ json_bigint('downloadsAllTime') }} as downloads_all_time,
    {{ json_bigint('likes') }} as likes,
    {{ json_double('trendingScore') }} as trending_score,
    {{ json_text('gated') }} as gated,
    {{ json_bool('private') }} as is_private,
    {{ json_bool('disabled') }} as is_disabled,
    {{ json_text('sha') }} as sha,
    coalesce({{ json_strings('tags') }}, []) as tags,
    {{ json_value('cardData') }} as card_data,
    {{ inert_text(json_text('description')) }} as description,  -- card-derived prose, republished
    {{ json_text('citation') }} as citation
from rows

-- One row per Space of the snapshot, typed and flattened.
with rows as ({{ snapshot_rows('spaces', fields=['author', 'createdAt', 'lastModified', 'likes', 'trendingScore', 'sdk', 'private', 'disabled', 'sha', 'tags', 'models', 'datasets', 'cardData', 'runtime']) }})

select
    snapshot_date,
    observed_at,
    key as object_id,
    id as space_id,
    coalesce({{ json_text('author') }}, split_part(id, '/', 1)) as author,
    {{ json_created_at() }} as created_at,
    {{ json_ts('createdAt') }} as created_at_reported,
    {{ json_ts('lastModified') }} as last_modified,
    {{ json_bigint('likes') }} as likes,
    {{ json_double('trendingScore') }} as trending_score,
    {{ json_text('sdk') }} as sdk,
    {{ json_bool('private') }} as is_private,
    {{ json_bool('disabled') }} as is_disabled,
    {{ json_text('sha') }} as sha,
    coalesce({{ json_strings('tags') }}, []) as tags,
    coalesce({{ json_strings('models') }}, []) as used_models,
    coalesce({{ json_strings('datasets') }}, []) as used_datasets,
    {{ json_value('cardData') }} as card_data,
    {{ json_value('runtime') }} as runtime
from rows

-- One row per collection, in full (every item).
with rows as ({{ entity_rows('collections', fields=['title', 'description', 'upvotes', 'lastUpdated', 'theme', 'private', 'gating', 'owner', 'items']) }})

select
    snapshot_date,
    observed_at,
    key as collection_slug,
    {{ inert_text(json_text('title')) }} as title,
    {{ inert_text(json_text('description')) }} as description,
    {{ json_bigint('upvotes') }} as upvotes,
    {{ json_ts('lastUpdated') }} as last_updated,
    {{ json_text('theme') }} as theme,
    {{ json_bool('private') }} as is_private,
    {{ json_value('gating') }}::varchar as gating,
    j.owner ->> 'name' as owner_name,
    j.owner ->> 'type' as owner_type,
    coalesce(from_json(j.items, '["JSON"]'), []) as items
from rows

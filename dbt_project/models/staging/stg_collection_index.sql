-- One row per collection of the listing (items cut to 4 there; `stg_collections` has them all).
with rows as ({{ snapshot_rows('collection_index', fields=['title', 'upvotes', 'lastUpdated', 'owner']) }})

select
    snapshot_date,
    observed_at,
    key as collection_slug,
    {{ json_text('title') }} as title,
    {{ json_bigint('upvotes') }} as upvotes,
    {{ json_ts('lastUpdated') }} as last_updated,
    j.owner ->> 'name' as owner_name
from rows

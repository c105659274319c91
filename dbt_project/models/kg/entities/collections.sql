-- HuggingKG's collection entity (slug, title, upvotes, description) plus owner, update time and item count.
select
    collection_slug as slug,
    title,
    upvotes,
    description,
    owner_name as owner,
    last_updated,
    theme,
    len(items) as item_count,
    snapshot_date
from {{ ref('stg_collections') }}

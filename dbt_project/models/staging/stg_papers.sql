-- One row per paper page (arXiv id) the Hub knows.
with rows as ({{ entity_rows('papers', fields=['title', 'summary', 'publishedAt', 'upvotes', 'submittedOnDailyAt', 'authors']) }})

select
    snapshot_date,
    observed_at,
    key as arxiv_id,
    {{ inert_text(json_text('title')) }} as title,
    {{ inert_text(json_text('summary')) }} as summary,
    {{ json_ts('publishedAt') }} as published_at,
    {{ json_bigint('upvotes') }} as upvotes,
    {{ json_ts('submittedOnDailyAt') }} as submitted_on_daily_at,
    coalesce(from_json(j.authors, '["JSON"]'), []) as authors
from rows

-- HuggingKG's paper entity: papers the Hub has a page for (cited by an `arxiv:` tag, in a collection or on a
-- daily papers page).
select
    arxiv_id as id,
    list_transform(authors, lambda a: a ->> '$.name') as authors,
    published_at,
    title,
    summary,
    upvotes,
    submitted_on_daily_at,
    snapshot_date
from {{ ref('stg_papers') }}

-- HuggingKG's paper entity: papers the Hub has a page for (cited by an `arxiv:` tag or in a collection).
select
    arxiv_id as id,
    list_transform(authors, lambda a: a ->> '$.name') as authors,
    published_at,
    title,
    summary,
    upvotes,
    snapshot_date
from {{ ref('stg_papers') }}

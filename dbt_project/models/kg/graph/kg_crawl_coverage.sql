-- How complete and how current the snapshot's per-entity answers are, per kind of call. Under a request budget
-- (HUBKG_REQUEST_BUDGET) the most valuable keys are fetched first; the rest reuse an older snapshot's answer
-- (stale) or have none (deferred). A refresh also reuses answers a rule vouches for (unchanged counter or
-- commit): those are current, not stale.
with queue as (
    select
        kind,
        status,
        stale,
        requests,
        priority,
        case
            when status in ('pending', 'failed', 'deferred') then 'unanswered'
            when stale then 'stale'
            when requests > 0 then 'fetched'
            else 'reused'
        end as answer
    from {{ ref('stg_fetch_queue') }}
)

select
    kind,
    count(*) as keys,
    count(*) filter (answer = 'fetched') as fetched,
    count(*) filter (answer = 'reused') as reused_unchanged,
    count(*) filter (answer = 'stale') as stale,
    count(*) filter (status = 'deferred') as deferred,
    count(*) filter (status = 'failed') as failed,
    count(*) filter (status = 'pending') as pending,
    count(*) filter (status = 'missing') as missing,
    coalesce(sum(requests), 0) as requests,
    count(*) filter (answer <> 'unanswered') / count(*) as coverage,
    count(*) filter (answer in ('fetched', 'reused')) / count(*) as current_share,
    -- the value (likes, upvotes, mentions…) of the keys answered currently, as a share of all keys' value
    coalesce(sum(priority) filter (answer in ('fetched', 'reused')) / nullif(sum(priority), 0), 1.0) as current_value_share,
    {{ build_snapshot_date() }} as snapshot_date
from queue
group by kind

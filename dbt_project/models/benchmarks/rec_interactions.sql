-- HuggingBench resource recommendation: the snapshot's user → resource likes, k-core filtered, with a seeded random
-- split and a temporal one. Items are typed (`model:org/name`, `dataset:…`, `space:…`): repo ids are unique per
-- repo type only.
{%- set valid_share = bench_var('rec_valid_share') %}
{%- set test_share = bench_var('rec_test_share') %}
with recursive likes as (
    {%- for t in ['model', 'dataset', 'space'] %}
    {% if not loop.first %}union all{% endif %}
    select
        user_id,
        '{{ t }}:' || {{ t }}_id as item_id,
        '{{ t }}' as item_type,
        liked_at
    from {{ ref('user_like_' ~ t) }}
    where snapshot_date = {{ build_snapshot_date() }}
    {%- endfor %}
),

-- Integer keys for the k-core: each of its rounds counts likes per user and per item, which over the like rows
-- themselves would carry user and item strings, types and times through every one of them.
keyed as (
    select *, dense_rank() over (order by user_id) as user_key, dense_rank() over (order by item_id) as item_key
    from likes
),

-- k-core: each round drops the likes whose user or item falls below its threshold among the likes still alive,
-- until a round drops none (the unique maximal core; rounds only remove). The recursion is keyed by like
-- (`using key`: a round overwrites the rows it drops instead of appending a copy of the table), so a build takes
-- as many rounds as its data needs; the `kcore_holds` test checks the result.
kcore (user_key, item_key, alive) using key (user_key, item_key) as (
    select user_key, item_key, true from keyed
    union
    select user_key, item_key, false
    from (
        select
            user_key,
            item_key,
            count(*) over (partition by user_key) as user_likes,
            count(*) over (partition by item_key) as item_likes
        from recurring.kcore
        where alive
    )
    where user_likes < {{ bench_var('rec_min_user_likes') }} or item_likes < {{ bench_var('rec_min_item_likes') }}
),

core as (
    select k.user_id, k.item_id, k.item_type, k.liked_at
    from keyed as k
    semi join (select user_key, item_key from kcore where alive) as c using (user_key, item_key)
),

drawn as (
    select
        *,
        case
            -- every user keeps its first like (in seeded order) for training
            when row_number() over (partition by user_id order by u, item_id) = 1 then 'train'
            when u < 1 - {{ valid_share }} - {{ test_share }} then 'train'
            when u < 1 - {{ test_share }} then 'valid'
            else 'test'
        end as drawn_split
    from (select *, {{ bench_unit_hash(['user_id', 'item_id']) }} as u from core)
),

random_split as (
    select
        *,
        -- an item drawn only into valid/test moves its first like (in seeded order) to train, so every evaluated
        -- item has been seen in training; moving to train never unsees anything, so one pass suffices
        case
            when not bool_or(drawn_split = 'train') over (partition by item_id)
                and row_number() over (partition by item_id order by u, user_id) = 1 then 'train'
            else drawn_split
        end as split_random
    from drawn
),

-- global cut-offs on like time at the same shares as the random split (null without like times)
cutoffs as (
    select
        quantile_disc(liked_at, 1 - {{ valid_share }} - {{ test_share }}) as valid_from,
        quantile_disc(liked_at, 1 - {{ test_share }}) as test_from
    from random_split
)

select
    r.user_id,
    r.item_id,
    r.item_type,
    r.liked_at,
    r.split_random,
    case
        when r.liked_at is null then null
        when r.liked_at < c.valid_from then 'train'
        when r.liked_at < c.test_from then 'valid'
        else 'test'
    end as split_temporal,
    {{ build_snapshot_date() }} as snapshot_date
from random_split as r
cross join cutoffs as c

-- One row per (benchmark, variant, split, metric[, detail]) per snapshot: sizes, split shares, cut-offs, label
-- distribution, the settings used, and whether each variant is available (`metric = 'available'`, 1 or 0, with
-- the reason in `detail` when it is not).
{%- set snapshot = build_snapshot_date() %}
with rec as (select * from {{ ref('rec_interactions') }} where snapshot_date = {{ snapshot }}),
cls as (select * from {{ ref('cls_nodes') }} where snapshot_date = {{ snapshot }}),
trace as (select * from {{ ref('trace_triples') }} where snapshot_date = {{ snapshot }}),

likes as (
    select count(*) as n from {{ ref('user_like_model') }} where snapshot_date = {{ snapshot }}
    union all
    select count(*) from {{ ref('user_like_dataset') }} where snapshot_date = {{ snapshot }}
    union all
    select count(*) from {{ ref('user_like_space') }} where snapshot_date = {{ snapshot }}
),

-- the core holds when every remaining user and item still reaches its threshold
kcore as (
    select coalesce(
        (select min(n) from (select count(*) as n from rec group by user_id)) >= {{ bench_var('rec_min_user_likes') }}
        and (select min(n) from (select count(*) as n from rec group by item_id)) >= {{ bench_var('rec_min_item_likes') }},
        true
    ) as holds
),

rows as (
    -- settings
    {%- for name in ['bench_seed', 'rec_min_user_likes', 'rec_min_item_likes', 'rec_valid_share', 'rec_test_share',
                     'cls_train_quantile', 'cls_valid_quantile', 'cls_max_paper_citers',
                     'trace_valid_share', 'trace_test_share'] %}
    select 'settings' as benchmark, null as variant, null as split, '{{ name }}' as metric,
        {{ bench_var(name) }}::double as value, null as detail
    union all
    {%- endfor %}

    -- recommendation
    select 'recommendation', null, null, 'likes_before_kcore', sum(n), null from likes
    union all
    select 'recommendation', null, null, 'interactions', count(*), null from rec
    union all
    select 'recommendation', null, null, 'users', count(distinct user_id), null from rec
    union all
    select 'recommendation', null, null, 'items', count(distinct item_id), null from rec
    union all
    select 'recommendation', null, null, 'items_' || item_type, count(distinct item_id), null from rec group by item_type
    union all
    select 'recommendation', null, null, 'kcore_holds', holds::integer, null from kcore
    union all
    select 'recommendation', 'random', null, 'available', (count(*) > 0)::integer,
        case when count(*) = 0 then 'no interactions survive the k-core' end
    from rec
    union all
    select 'recommendation', 'random', split_random, 'interactions', count(*), null from rec group by split_random
    union all
    select 'recommendation', 'random', split_random, 'share', count(*) / sum(count(*)) over (), null
    from rec group by split_random
    union all
    select 'recommendation', 'temporal', null, 'available', (count(liked_at) > 0)::integer,
        case
            when count(*) = 0 then 'no interactions survive the k-core'
            when count(liked_at) = 0 then 'no like carries a time (no user likes list was read)'
        end
    from rec
    union all
    select 'recommendation', 'temporal', split_temporal, 'interactions', count(*), null
    from rec where split_temporal is not null group by split_temporal
    union all
    select 'recommendation', 'temporal', split_temporal, 'cutoff_from', null, strftime(min(liked_at), '%Y-%m-%dT%H:%M:%SZ')
    from rec where split_temporal in ('valid', 'test') group by split_temporal
    union all
    select 'recommendation', 'social', null, 'follow_edges', count(*), null
    from {{ ref('rec_social') }} where snapshot_date = {{ snapshot }}
    union all
    select 'recommendation', 'kg_' || v.variant, null, 'triples', count(k.variant), null
    from (values ('1hop'), ('2hop'), ('homo'), ('publish')) as v (variant)
    left join {{ ref('rec_kg') }} as k on k.variant = v.variant and k.snapshot_date = {{ snapshot }}
    group by v.variant
    union all

    -- classification
    select 'classification', null, null, 'nodes', count(*), null from cls
    union all
    select 'classification', null, null, 'nodes_' || node_type, count(*), null from cls group by node_type
    union all
    select 'classification', null, null, 'edges', count(*), null
    from {{ ref('cls_edges') }} where snapshot_date = {{ snapshot }}
    union all
    select 'classification', null, null, 'label_vocabulary', count(*), null
    from {{ ref('cls_tasks') }} where snapshot_date = {{ snapshot }}
    union all
    select 'classification', null, null, 'unknown_created_at_in_train', count(*), null
    from cls where created_at is null
    union all
    select 'classification', 'time', null, 'available', (count(*) > 0)::integer,
        case when count(*) = 0 then 'no labelled models or datasets' end
    from cls
    union all
    select 'classification', 'time', split, 'nodes', count(*), null from cls group by split
    union all
    select 'classification', 'time', split, 'share', count(*) / sum(count(*)) over (), null from cls group by split
    union all
    select 'classification', 'time', split, 'cutoff_from', null, strftime(min(created_at), '%Y-%m-%dT%H:%M:%SZ')
    from cls where split in ('valid', 'test') group by split
    union all
    select 'classification', 'time', split, 'label_count', count(*), label
    from (select split, unnest(labels) as label from cls) group by split, label
    union all

    -- tracing
    select 'tracing', null, null, 'triples', count(*), null from trace
    union all
    select 'tracing', null, relation, 'triples', count(*), null from trace group by relation
    union all
    select 'tracing', 'random', null, 'available', (count(*) > 0)::integer,
        case when count(*) = 0 then 'no lineage edges' end
    from trace
    union all
    select 'tracing', 'random', split_random, 'triples', count(*), null from trace group by split_random
    union all
    select 'tracing', 'random', split_random, 'share', count(*) / sum(count(*)) over (), null
    from trace group by split_random
    union all
    select 'tracing', 'temporal', null, 'available', (count(tail_created_at) > 0)::integer,
        case when count(tail_created_at) = 0 then 'no derived model has a creation time' end
    from trace
    union all
    select 'tracing', 'temporal', split_temporal, 'triples', count(*), null from trace group by split_temporal
    union all
    select 'tracing', 'temporal', split_temporal, 'cutoff_from', null,
        strftime(min(tail_created_at), '%Y-%m-%dT%H:%M:%SZ')
    from trace where split_temporal in ('valid', 'test') group by split_temporal
)

select
    benchmark,
    variant::varchar as variant,
    split::varchar as split,
    metric,
    value::double as value,
    detail::varchar as detail,
    {{ snapshot }} as snapshot_date
from rows

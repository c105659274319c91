-- KG side information for the recommendation benchmark, in HuggingBench's four variants (typed node ids, as items):
--   1hop: every edge touching an item;  2hop: every edge touching an item or a 1-hop neighbour;
--   homo: 1-hop edges between resources (models, datasets, Spaces);  publish: user/org → item publish edges.
-- Likes are left out: they are the interactions, and test likes would leak through the KG.
with edges as (
    select
        head_type || ':' || head as head,
        relation,
        tail_type || ':' || tail as tail,
        head_type,
        tail_type
    from {{ ref('kg_edges') }}
    where snapshot_date = {{ build_snapshot_date() }} and not starts_with(relation, 'user_like_')
),

items as (
    select distinct item_id from {{ ref('rec_interactions') }} where snapshot_date = {{ build_snapshot_date() }}
),

one_hop as (
    select * from edges where head in (select item_id from items) or tail in (select item_id from items)
),

reached as (
    select head as node from one_hop
    union
    select tail from one_hop
),

two_hop as (
    select * from edges where head in (select node from reached) or tail in (select node from reached)
),

variants as (
    select '1hop' as variant, head, relation, tail from one_hop
    union all
    select '2hop', head, relation, tail from two_hop
    union all
    select 'homo', head, relation, tail from one_hop
    where head_type in ('model', 'dataset', 'space') and tail_type in ('model', 'dataset', 'space')
    union all
    select 'publish', head, relation, tail from one_hop where relation like '%\_publish\_%' escape '\'
)

select variant, head, relation, tail, {{ build_snapshot_date() }} as snapshot_date
from variants

-- Nodes and edges added, removed or changed between each snapshot and the previous one, read from the validity
-- intervals of kg_nodes / kg_edges: the rows a snapshot opened (valid_from) against those it closed (valid_to). A
-- node's row holds its entity's row_hash (non-counter attributes), so a node closed and reopened the same day
-- changed; one whose counters got a new row in its entity's `__counters` while its interval held on changed too
-- (its counters moved). The first snapshot has no previous one, hence no rows.
-- A view: the change log is what the intervals already say, so it is computed, not stored again (it was half the
-- kg rows a day wrote). Each branch filters on a column of the history it reads, so `where snapshot_date = …`
-- reads that day's opened and closed rows.
{{ config(materialized='view') }}

{%- set nodes = history_part(ref('kg_nodes')) %}
{%- set edges = history_part(ref('kg_edges')) %}

with snapshots as (
    select snapshot_date, lag(snapshot_date) over (order by snapshot_date) as previous_snapshot_date
    from {{ history_snapshots_relation(ref('kg_nodes')).include(database=False) }}
),

nodes_opened as (select node_type, node_id, valid_from as snapshot_date from {{ nodes }}),

nodes_closed as (select node_type, node_id, valid_to as snapshot_date from {{ nodes }} where valid_to is not null),

{#- Entities without counters (tasks, papers, collections) have no `__counters`; each is still a ref. -#}
{%- set counted = [] %}
{%- for node_type, model, key in kg_node_entities() %}
    {%- set entity = ref(model) %}
    {%- if has_counter_columns(model) %}{% do counted.append((node_type, entity, key)) %}{% endif %}
{%- endfor %}
nodes_counted as (
    {%- for node_type, entity, key in counted %}
    {%- set counters = history_counters_relation(entity).include(database=False) %}
    {% if not loop.first %}union all{% endif %}
    select '{{ node_type }}' as node_type, h.{{ key }} as node_id, k.snapshot_date
    from {{ counters }} as k
    join {{ history_part(entity) }} as h using (row_hash)
    where h.valid_from < k.snapshot_date and (h.valid_to is null or h.valid_to > k.snapshot_date)
        -- and a counters row it closed: a row's first counters come with the row itself (added or changed)
        and exists (select 1 from {{ counters }} as p where p.row_hash = k.row_hash and p.valid_to = k.snapshot_date)
    {%- endfor %}
),

edges_opened as (select relation, head, tail, attributes_hash, valid_from as snapshot_date from {{ edges }}),

edges_closed as (
    select relation, head, tail, attributes_hash, valid_to as snapshot_date from {{ edges }} where valid_to is not null
),

changes as (
    select
        'node' as element,
        case when c.node_id is null then 'added' else 'changed' end as change,
        o.node_type,
        o.node_id,
        null::varchar as relation,
        null::varchar as head,
        null::varchar as tail,
        o.snapshot_date
    from nodes_opened as o
    left join nodes_closed as c using (node_type, node_id, snapshot_date)
    union all
    select 'node', 'removed', node_type, node_id, null, null, null, snapshot_date
    from nodes_closed anti join nodes_opened using (node_type, node_id, snapshot_date)
    union all
    select 'node', 'changed', node_type, node_id, null, null, null, snapshot_date from nodes_counted
    union all
    select
        'edge',
        case when c.head is null then 'added' else 'changed' end,
        null,
        null,
        o.relation,
        o.head,
        o.tail,
        o.snapshot_date
    from edges_opened as o
    left join edges_closed as c using (relation, head, tail, snapshot_date)
    where c.head is null or c.attributes_hash is distinct from o.attributes_hash
    union all
    select 'edge', 'removed', null, null, relation, head, tail, snapshot_date
    from edges_closed anti join edges_opened using (relation, head, tail, snapshot_date)
)

select
    c.element,
    c.change,
    c.node_type,
    c.node_id,
    c.relation,
    c.head,
    c.tail,
    s.previous_snapshot_date,
    c.snapshot_date
from changes as c
inner join snapshots as s using (snapshot_date)
where s.previous_snapshot_date is not null

-- Nodes and edges added, removed or changed between the snapshot being built and the previous snapshot, read from
-- the validity intervals of kg_nodes / kg_edges: the rows a snapshot opened (valid_from) against those it closed
-- (valid_to). A node's row holds its entity's row_hash (non-counter attributes), so a node closed and reopened the
-- same day changed; one whose counters got a new row in its entity's `__counters` while its interval held on changed
-- too (its counters moved). The first snapshot has no previous one, hence no rows. Each snapshot's changes are its own
-- rows (snapshot_partition): they are the change log, not copies.
{{ config(materialized='snapshot_partition') }}

with current_snapshot as (select {{ build_snapshot_date() }} as snapshot_date),

previous_snapshot as (
    select max(s.snapshot_date) as snapshot_date
    from {{ history_snapshots_relation(ref('kg_nodes')) }} as s, current_snapshot as c
    where s.snapshot_date < c.snapshot_date
),

nodes_now as (
    select * from {{ history_relation(ref('kg_nodes')) }}
    where valid_from = (select snapshot_date from current_snapshot)
),

nodes_before as (
    select * from {{ history_relation(ref('kg_nodes')) }}
    where valid_to = (select snapshot_date from current_snapshot)
),

{#- Entities without counters (tasks, papers, collections) have no `__counters`; each is still a ref. -#}
{%- set counted = [] %}
{%- for node_type, model, key in kg_node_entities() %}
    {%- set entity = ref(model) %}
    {%- if has_counter_columns(model) %}{% do counted.append((node_type, entity, key)) %}{% endif %}
{%- endfor %}
nodes_counted as (
    {%- for node_type, entity, key in counted %}
    {%- set counters = history_counters_relation(entity) %}
    {% if not loop.first %}union all{% endif %}
    select '{{ node_type }}' as node_type, h.{{ key }} as node_id
    from {{ counters }} as k
    join {{ history_relation(entity) }} as h using (row_hash)
    where k.snapshot_date = (select snapshot_date from current_snapshot)
        and h.valid_from < k.snapshot_date and (h.valid_to is null or h.valid_to > k.snapshot_date)
        -- and a counters row today's closed: a row's first counters come with the row itself (added or changed)
        and exists (select 1 from {{ counters }} as p where p.row_hash = k.row_hash and p.valid_to = k.snapshot_date)
    {%- endfor %}
),

edges_now as (
    select * from {{ history_relation(ref('kg_edges')) }}
    where valid_from = (select snapshot_date from current_snapshot)
),

edges_before as (
    select * from {{ history_relation(ref('kg_edges')) }}
    where valid_to = (select snapshot_date from current_snapshot)
),

node_changes as (
    select
        'node' as element,
        case when b.node_id is null then 'added' when n.node_id is null then 'removed' else 'changed' end as change,
        coalesce(n.node_type, b.node_type) as node_type,
        coalesce(n.node_id, b.node_id) as node_id,
        null::varchar as relation,
        null::varchar as head,
        null::varchar as tail
    from nodes_now as n
    full outer join nodes_before as b on b.node_type = n.node_type and b.node_id = n.node_id
    union all
    select 'node', 'changed', node_type, node_id, null::varchar, null::varchar, null::varchar from nodes_counted
),

edge_changes as (
    select
        'edge' as element,
        case when b.head is null then 'added' when n.head is null then 'removed' else 'changed' end as change,
        null::varchar as node_type,
        null::varchar as node_id,
        coalesce(n.relation, b.relation) as relation,
        coalesce(n.head, b.head) as head,
        coalesce(n.tail, b.tail) as tail
    from edges_now as n
    full outer join edges_before as b on b.relation = n.relation and b.head = n.head and b.tail = n.tail
    where b.head is null or n.head is null or b.attributes_hash is distinct from n.attributes_hash
)

select
    c.*,
    p.snapshot_date as previous_snapshot_date,
    (select snapshot_date from current_snapshot) as snapshot_date
from (select * from node_changes union all select * from edge_changes) as c
cross join previous_snapshot as p
where p.snapshot_date is not null

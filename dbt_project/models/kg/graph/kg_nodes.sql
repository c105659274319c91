-- Every node of the snapshot, all types in one table. `attributes_hash` is the node's row_hash in its entity mart
-- (the hash of its non-counter columns, macros/validity_intervals.sql), read from the entity's open history rows:
-- the rows are not serialised again, and a node's row changes only when a non-counter attribute does; its counters'
-- moves stay in the entity's `__counters` (kg_changes reads both).
{{ config(pre_hook="{{ convert_kg_nodes_hash_counters() }}") }}
{%- for node_type, model, key in kg_node_entities() %}
{% if not loop.first %}union all{% endif %}
select
    {{ key }} as node_id,
    '{{ node_type }}' as node_type,
    {{ node_attributes_hash('row_hash') }} as attributes_hash,
    {{ build_snapshot_date() }} as snapshot_date
from {{ history_relation(ref(model)) }}
-- the open rows are the entity's latest snapshot, which must be the one built (as kg.<model> filtered on it was)
where valid_to is null
    and (select max(snapshot_date) from {{ history_snapshots_relation(ref(model)) }}) = {{ build_snapshot_date() }}
{%- endfor %}

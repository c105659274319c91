-- kg_nodes as it was at 98dac00 (attributes_hash kept as a counter in kg_nodes__counters): the layout
-- test_the_counter_hash_layout_converts_without_losing_a_day builds two days with, then upgrades.
-- Every node of the snapshot, all types in one table. `attributes_hash` fingerprints the node's attributes, so
-- kg_changes can tell a changed node (e.g. new download count) from an unchanged one. It moves whenever a counter
-- does (a third of the models a day), so it is kept like a counter (macros/validity_intervals.sql): a node's
-- interval spans its life (node_id, node_type), a new hash is one narrow row in kg_nodes__counters.
{{ config(counter_columns=['attributes_hash']) }}
{%- set entities = [
    ('task', 'tasks', 'id'), ('model', 'models', 'id'), ('dataset', 'datasets', 'id'), ('space', 'spaces', 'id'),
    ('paper', 'papers', 'id'), ('collection', 'collections', 'slug'), ('user', 'users', 'id'),
    ('organization', 'organizations', 'id'),
] %}
{%- for node_type, model, key in entities %}
{% if not loop.first %}union all{% endif %}
select
    e.{{ key }} as node_id,
    '{{ node_type }}' as node_type,
    md5(to_json(e)::varchar) as attributes_hash,
    {{ build_snapshot_date() }} as snapshot_date
from (
    select * exclude (snapshot_date) from {{ ref(model) }} where snapshot_date = {{ build_snapshot_date() }}
) as e
{%- endfor %}

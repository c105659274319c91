-- Every node, all types under one set of columns: the interval rows of the 8 entity marts (macros/validity_union.sql:
-- a view, the rows stored once, in the entity marts). `attributes_hash` is the node's row_hash in its entity mart
-- (the hash of its non-counter columns, macros/validity_intervals.sql), so a node's row changes only when a
-- non-counter attribute does; its counters' moves stay in the entity's `__counters` (kg_changes reads both).
{{ config(materialized='validity_union') }}
{%- for node_type, model, key in kg_node_entities() %}
{% if not loop.first %}union all{% endif %}
select
    {{ key }} as node_id,
    '{{ node_type }}' as node_type,
    {{ node_attributes_hash('row_hash') }} as attributes_hash,
    valid_from,
    valid_to
from {{ history_part(ref(model)) }}
{%- endfor %}

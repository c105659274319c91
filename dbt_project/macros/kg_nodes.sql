{#- The entity marts that make kg_nodes: (node type, model, key column). -#}
{% macro kg_node_entities() -%}
  {{ return([
      ('task', 'tasks', 'id'), ('model', 'models', 'id'), ('dataset', 'datasets', 'id'), ('space', 'spaces', 'id'),
      ('paper', 'papers', 'id'), ('collection', 'collections', 'slug'), ('user', 'users', 'id'),
      ('organization', 'organizations', 'id'),
  ]) }}
{%- endmacro %}

{#- Whether the model keeps counters in `<model>__counters` (its config, read once the graph is loaded). -#}
{% macro has_counter_columns(model_name) -%}
  {%- set node = graph.nodes.get('model.' ~ project_name ~ '.' ~ model_name) if execute else none -%}
  {{ return(node is not none and node.config.get('counter_columns', []) | length > 0) }}
{%- endmacro %}

{#- A node's fingerprint: its entity row's `row_hash` (macros/validity_intervals.sql), as 32 hex digits. -#}
{% macro node_attributes_hash(row_hash) -%}
    format('{:032x}', {{ row_hash }})
{%- endmacro %}

{#-
  kg_nodes' earlier layout (up to 98dac00) kept `attributes_hash` (md5 of the whole entity row, counters included)
  as a counter column: one interval per node's life, the hashes in `kg_nodes__counters`. The hash is now the entity
  row's `row_hash`, part of the row's identity. On the first build in the new layout (a pre-hook: the counters table
  still exists) each interval is cut where its entity's history has a new row (the intersection of both intervals),
  and the counters table is dropped: every snapshot keeps its nodes, with the hashes the entity marts hold for it.
  Intervals reaching past the kg_nodes snapshots held are undone by the build itself, like any re-applied day.
-#}
{% macro convert_kg_nodes_hash_counters() -%}
  {%- set tally = history_counters_relation(this) -%}
  {%- if execute and adapter.get_relation(tally.database, tally.schema, tally.identifier) is not none -%}
    {%- set history = history_relation(this) -%}
    {% call statement('convert_kg_nodes_hash_counters') %}
      create or replace table {{ history }} as
      select node_id, node_type, attributes_hash, {{ row_hash(['node_id', 'node_type', 'attributes_hash']) }} as row_hash,
          valid_from, valid_to
      from (
          select n.node_id, n.node_type, {{ node_attributes_hash('e.row_hash') }} as attributes_hash,
              greatest(n.valid_from, e.valid_from) as valid_from,
              -- null: still open
              nullif(least(coalesce(n.valid_to, 'infinity'::date), coalesce(e.valid_to, 'infinity'::date)),
                  'infinity'::date) as valid_to
          from {{ history }} as n
          join (
              {%- for node_type, model, key in kg_node_entities() %}
              {% if not loop.first %}union all{% endif %}
              select {{ key }} as node_id, '{{ node_type }}' as node_type, row_hash, valid_from, valid_to
              from {{ history_relation(ref(model)) }}
              {%- endfor %}
          ) as e on e.node_type = n.node_type and e.node_id = n.node_id
              and e.valid_from < coalesce(n.valid_to, 'infinity'::date)
              and n.valid_from < coalesce(e.valid_to, 'infinity'::date)
      );
      drop table {{ tally }};
    {% endcall %}
  {%- endif -%}
{%- endmacro %}

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

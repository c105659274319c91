{#-
  A kg table made of marts that keep their history as validity intervals (macros/validity_intervals.sql): kg_nodes
  of the 8 entity marts, kg_edges of the 30 relation marts. It stores nothing: the rows are the marts' own interval
  rows, read through views, so a build writes them once and the files hold them once.

  The model's SQL is the union of its parts' interval rows (`history_part(ref(...))`) with the model's columns,
  `valid_from` and `valid_to`. From it the materialization creates, each reading the parts' tables only (so the
  serving copy can re-create them in any order):
  - `<model>__history`: that union, a view;
  - `<model>__snapshots`: the snapshots every part holds (each part's, up to the oldest of their latest);
  - `<model>` and `<model>__as_of(d)`: the rows held now (open intervals) and on day `d`, `snapshot_date` the
    latest of those snapshots (on or before `d`), as for a single mart (`served_rows`).
  The tables an earlier layout kept under these names (full copies per snapshot, or the model's own interval
  history) are dropped on the first build: the parts hold the same rows.
-#}
{% materialization validity_union, adapter='duckdb' %}
  {%- set history_sql = compiled_code -%}
  {%- set part_snapshots = [] -%}
  {%- for uid in model.depends_on.nodes -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do part_snapshots.append(history_snapshots_relation(
          api.Relation.create(schema=node.schema, identifier=node.alias)).include(database=False)) -%}
  {%- endfor -%}
  {%- set snapshots_sql -%}
    select snapshot_date, max(applied_at) as applied_at
    from ({% for s in part_snapshots %}{{ " union all " if not loop.first }}select snapshot_date, applied_at from {{ s }}{% endfor %})
    where snapshot_date <= (select min(latest) from (
        {%- for s in part_snapshots %}{{ " union all " if not loop.first }}select max(snapshot_date) as latest from {{ s }}{% endfor -%}
    ))
    group by snapshot_date
  {%- endset -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}
  {%- set stored = [] -%}
  {%- for suffix in ['', '__history', '__snapshots', '__counters'] -%}
    {%- set found = adapter.get_relation(this.database, this.schema, this.identifier ~ suffix) -%}
    {%- if found is not none and found.type == 'table' -%}{% do stored.append(found) %}{%- endif -%}
  {%- endfor -%}
  {%- set history = history_relation(this) -%}
  {% call statement('main') %}
    {% for table in stored %}drop table {{ table }};
    {% endfor %}
    create or replace view {{ history }} as {{ history_sql }};
    create or replace view {{ history_snapshots_relation(this) }} as {{ snapshots_sql }};
  {% endcall %}
  {%- set columns = adapter.get_columns_in_relation(history) | map(attribute='name')
        | reject('in', ['valid_from', 'valid_to']) | list + ['snapshot_date'] -%}
  {% call statement('serve') %}
    {{ serve_history(columns, [], '(' ~ history_sql ~ ')', '(' ~ snapshots_sql ~ ')', none) }}
  {% endcall %}
  {{ return(commit_served_view()) }}
{% endmaterialization %}

{#- A part of a validity union: the interval rows of a mart, named without the database (see validity_intervals). -#}
{% macro history_part(relation) -%}
  {{ return(history_relation(relation).include(database=False)) }}
{%- endmacro %}

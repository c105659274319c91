{#-
  A mart that keeps every snapshot: a build replaces exactly the rows of the snapshot it builds, in one
  transaction, and leaves every other snapshot alone. The model's SQL is bound as a view and inserted straight
  into the table, so each row is written once; dbt's incremental materialization writes a temp table first,
  copies it, and its delete+insert scans the whole table for the keys to replace. The delete also removes the
  rows of a snapshot that now yields none. New columns reach an existing table (`on_schema_change:
  append_new_columns`; older snapshots read null). `--full-refresh` is refused: it would drop every other snapshot.
-#}
{% materialization snapshot_partition, adapter='duckdb' %}
  {%- set existing = load_cached_relation(this) -%}
  {%- set target = this.incorporate(type='table') -%}
  {%- if existing is not none and should_full_refresh() -%}
    {{ exceptions.raise_compiler_error(
        target ~ " keeps every snapshot, and --full-refresh would drop them: drop the table yourself to rebuild it") }}
  {%- endif -%}
  {%- set rows = api.Relation.create(
        database=target.database, schema=target.schema, identifier=target.identifier ~ '__rows', type='view') -%}

  {% do require_parents_hold_build_snapshot() %}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- if existing is none -%}
    {% call statement('main') %}{{ create_table_as(False, target, compiled_code) }}{% endcall %}
  {%- else -%}
    {#- The view lives inside the build's transaction, so a failed build leaves neither it nor a half snapshot. -#}
    {% do run_query(create_view_as(rows, compiled_code)) %}
    {% do process_schema_changes(incremental_validate_on_schema_change(config.get('on_schema_change')), rows, existing) %}
    {% call statement('main') %}
      delete from {{ target }} where snapshot_date = {{ build_snapshot_date() }};
      insert into {{ target }} by name select * from {{ rows }};
      drop view {{ rows }}
    {% endcall %}
  {%- endif -%}

  {% do persist_docs(target, model) %}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {% do adapter.commit() %}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target]}) }}
{% endmaterialization %}

{#-
  Staging and intermediate tables are rebuilt by each build and hold its snapshot only. A mart built for another
  snapshot from them (`dbt run -s kg.models --vars '{snapshot_date: …}'`) would delete that snapshot's rows and insert
  the other day's, so it stops here unless every such parent holds the snapshot being built (or no rows).
-#}
{% macro require_parents_hold_build_snapshot() -%}
  {%- set held = [] -%}
  {%- for uid in model.depends_on.nodes if uid in graph.nodes and graph.nodes[uid].config.materialized == 'table' -%}
    {%- set node = graph.nodes[uid] -%}
    {%- do held.append("select distinct '" ~ node.name ~ "' as parent, snapshot_date from "
        ~ api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)) -%}
  {%- endfor -%}
  {%- if held -%}
    {%- set other = run_query(
          "select parent || ' holds ' || snapshot_date::varchar, " ~ build_snapshot_date() ~ "::varchar from ("
          ~ held | join(' union all ') ~ ") where snapshot_date <> " ~ build_snapshot_date() ~ " order by all") -%}
    {%- if other.rows -%}
      {{ exceptions.raise_compiler_error(
          this ~ " is built for snapshot " ~ other.columns[1].values()[0] ~ ", but "
          ~ other.columns[0].values() | join(', ')
          ~ ": build the staging and intermediate models for that snapshot in the same run (select +"
          ~ model.name ~ ", or the whole project)") }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}

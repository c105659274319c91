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

{#-
  The snapshot being built, as a scalar SQL expression: the `snapshot_date` var, or else the latest snapshot whose
  model listing finished (the per-entity crawls of a run follow the listings, so they share its date).
-#}
{% macro build_snapshot_date() -%}
    {%- if var('snapshot_date') -%}
        date '{{ var("snapshot_date") }}'
    {%- else -%}
        (select max(snapshot_date) from raw.crawl_state where source = 'models' and done)
    {%- endif -%}
{%- endmacro %}

{#-
  Rows of a per-entity raw table (tasks, collections, papers, likers, principals, followers, members) for the
  snapshot being built. A key fetched twice (a resumed run) keeps its latest observation; `item_key` names the
  item within a paged list (e.g. the liker's user name) so one row per (key, item) survives.
-#}
{% macro entity_rows(source_name, item_key=none, fields=none) -%}
    select *{% if fields %}, {{ parsed_body(fields) }} as j{% endif %}
    from (
        select r.*
        from {{ source('raw', source_name) }} as r
        where r.snapshot_date = {{ build_snapshot_date() }}
        qualify row_number() over (
            partition by r.key{% if item_key %}, {{ item_key }}{% endif %} order by r.observed_at desc
        ) = 1
    )
{%- endmacro %}

{#- Incremental marts keep every snapshot: before inserting, drop the rows of the snapshot being rebuilt, so a
    re-run replaces exactly that snapshot even where it now yields no rows (delete+insert alone would keep them). -#}
{% macro delete_build_snapshot() -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where snapshot_date = {{ build_snapshot_date() }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}

{#- A JSON value that may be a string or a list of strings, as a list (card fields such as `base_model`). -#}
{% macro json_string_or_list(expr) -%}
    case json_type({{ expr }})
        when 'VARCHAR' then [{{ expr }} ->> '$']
        when 'ARRAY' then list_filter(from_json({{ expr }}, '["VARCHAR"]'), lambda x: x is not null and x <> '')
        else []::varchar[]
    end
{%- endmacro %}

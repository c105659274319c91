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
  item within a paged list from the parsed body `j` (e.g. the liker's user name) so one row per (key, item)
  survives. Without an item key the latest row is found on narrow columns (`latest_row_ids`); with one, the body
  is parsed before the dedup, so the item key costs no second parse.
-#}
{% macro entity_rows(source_name, item_key=none, fields=none) -%}
    {%- set raw = source('raw', source_name) -%}
    {%- set parsed = (', ' ~ parsed_body(fields) ~ ' as j') if fields else '' -%}
    {%- if item_key -%}
    select *
    from (
        select r.*{{ parsed }} from {{ raw }} as r where r.snapshot_date = {{ build_snapshot_date() }}
    )
    qualify row_number() over (partition by key, {{ item_key }} order by observed_at desc) = 1
    {%- else -%}
    select r.*{{ parsed }}
    from {{ raw }} as r
    where r.snapshot_date = {{ build_snapshot_date() }}
        and r.rowid in ({{ latest_row_ids(raw, 'snapshot_date = ' ~ build_snapshot_date(), 'observed_at') }})
    {%- endif -%}
{%- endmacro %}

{#-
  The rowid of the latest row (by `latest_by`) of each key among the rows of `relation` that match `where`. The
  dedup reads narrow columns only: a window over whole rows carries every body through its sort (1.7-2.6x the CPU
  of staging READMEs, principals and collections at HuggingKG size).
-#}
{% macro latest_row_ids(relation, where, latest_by) -%}
    select arg_max(rowid, {{ latest_by }}) from {{ relation }} where {{ where }} group by key
{%- endmacro %}

{#-
  Tests of the marts check the snapshot being built, not the whole history: dbt_project.yml gives them
  `where: __build_snapshot__`, which becomes this filter. A build's cost then does not grow with the snapshots kept,
  and a bad older snapshot (published or not) cannot fail today's build.
-#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where -%}
        {%- set where = where | replace('__build_snapshot__', 'snapshot_date = ' ~ build_snapshot_date()) -%}
        {#- no alias (DuckDB needs none), so a test can alias `{{ model }}` itself -#}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ')') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}

{#- A JSON value that may be a string or a list of strings, as a list (card fields such as `base_model`). -#}
{% macro json_string_or_list(expr) -%}
    case json_type({{ expr }})
        when 'VARCHAR' then [{{ expr }} ->> '$']
        when 'ARRAY' then list_filter(from_json({{ expr }}, '["VARCHAR"]'), lambda x: x is not null and x <> '')
        else []::varchar[]
    end
{%- endmacro %}

{#-
  A mart that keeps its history as validity intervals, not copies. Its rows live in `<model>__history` with
  `valid_from` (the first snapshot that held the row) and `valid_to` (the first snapshot that no longer held it;
  null while it holds); a row is written only when it appears, changes (old row closed, new one opened) or
  disappears (closed: its past stays). A row is identified by the hash of all its columns but `snapshot_date`
  (`row_hash`), duplicates by their rank among equal rows. The snapshots applied are listed in
  `<model>__snapshots` (one table per model: dbt builds models in parallel, each in its own transaction).

  `<model>` itself is a view of the latest snapshot with the model's columns in their order (`snapshot_date` = the
  latest snapshot applied), so every reader of `kg.<model>` sees what a full copy of the latest snapshot held.
  `<model>__as_of(d)` is a table macro: the rows as of date `d` (the latest snapshot on or before `d`).

  Fast counters (config `counter_columns`, e.g. downloads and likes) move daily on a large share of the rows, so
  they are not part of a row's identity: they live in the narrow `<model>__counters` (row_hash, snapshot_date,
  counters, valid_to), written for a row only on the days its counters differ from the last ones recorded. Each
  counters row holds until the row's next one (`valid_to`, null for the current one), so the current counters are
  a filter, not a search through every day's rows: reading them costs the same on day 365 as on day 1.

  A build of snapshot D is one transaction: a run that dies leaves the previous latest in place and a rerun
  finishes it. D equal to the latest applied snapshot re-applies it (its own changes are undone first). An older
  D is refused unless `--vars '{rebuild_history: true}'`: then every snapshot from D on is dropped from the history
  and D applied, and the later days must be rebuilt in order. A table of the earlier layout (a full copy of every
  snapshot, `snapshot_partition`) is converted into intervals on the first build, every snapshot kept.
-#}
{% materialization validity_intervals, adapter='duckdb' %}
  {%- set existing = load_cached_relation(this) -%}
  {#- Named without the database: the views and macros then resolve in any copy of the file (the serving copy). -#}
  {%- set history = history_relation(this).include(database=False) -%}
  {%- set snapshots = history_snapshots_relation(this).include(database=False) -%}
  {%- set rows = api.Relation.create(
        database=this.database, schema=this.schema, identifier=this.identifier ~ '__rows', type='view') -%}
  {%- set day = build_snapshot_date() -%}

  {%- if existing is not none and should_full_refresh() -%}
    {{ exceptions.raise_compiler_error(
        this ~ " keeps its whole history, and --full-refresh would drop it: rebuild from a date with "
        ~ "--vars '{snapshot_date: <date>, rebuild_history: true}'") }}
  {%- endif -%}
  {% do require_parents_hold_build_snapshot() %}
  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% do run_query("create table if not exists " ~ snapshots
        ~ " (snapshot_date date not null, applied_at timestamptz not null)") %}
  {%- set latest = run_query("select max(snapshot_date)::varchar, " ~ day ~ "::varchar from " ~ snapshots).rows[0] -%}
  {%- if latest[0] is not none and latest[1] < latest[0] and not var('rebuild_history', false) -%}
    {{ exceptions.raise_compiler_error(
        this ~ " holds snapshots up to " ~ latest[0] ~ "; building the older " ~ latest[1]
        ~ " would rewrite history: pass --vars '{snapshot_date: " ~ latest[1] ~ ", rebuild_history: true}' to drop "
        ~ "every snapshot from " ~ latest[1] ~ " on and rebuild them in order") }}
  {%- endif -%}
  {#- A rebuild from a day whose raw rows are gone (HUBKG_RAW_RETENTION_DAYS) would replace its history with nothing. -#}
  {%- if latest[0] is not none and latest[1] < latest[0] -%}
    {%- set crawled = api.Relation.create(database=this.database, schema='raw', identifier='models') -%}
    {%- if run_query("select count(*) from (select 1 from " ~ crawled ~ " where snapshot_date = " ~ day
          ~ " limit 1)").columns[0].values()[0] == 0 -%}
      {{ exceptions.raise_compiler_error(
          this ~ ": raw holds no snapshot " ~ latest[1] ~ " (older than the raw retention, HUBKG_RAW_RETENTION_DAYS, "
          ~ "or never crawled), so rebuilding history from it would replace that history with nothing: "
          ~ "crawl it into a fresh warehouse instead") }}
    {%- endif -%}
  {%- endif -%}

  {#- A refused or failed earlier build may have left its view behind. -#}
  {% do run_query("drop view if exists " ~ rows) %}
  {% do run_query(create_view_as(rows, compiled_code)) %}
  {%- set columns = adapter.get_columns_in_relation(rows) | map(attribute='name') | list -%}
  {%- set kept = columns | reject('equalto', 'snapshot_date') | list -%}
  {%- set counters = config.get('counter_columns', []) -%}
  {%- set identity = kept | reject('in', counters) | list -%}
  {%- set tally = history_counters_relation(this).include(database=False) -%}
  {%- if existing is not none and existing.type == 'table' -%}
    {% do convert_snapshot_copies(existing, history, snapshots, identity) %}
    {%- if counters -%}{% do convert_counter_copies(existing, tally, identity, counters) %}{%- endif -%}
    {% do run_query("drop table " ~ existing) %}
  {%- endif -%}
  {% do run_query("create table if not exists " ~ history ~ " as select " ~ identity | join(', ')
        ~ ", 0::uhugeint as row_hash, null::date as valid_from, null::date as valid_to from " ~ rows ~ " limit 0") %}
  {%- if counters -%}
    {% do run_query("create table if not exists " ~ tally ~ " as select 0::uhugeint as row_hash, "
          ~ "null::date as snapshot_date, " ~ counters | join(', ') ~ ", null::date as valid_to from " ~ rows
          ~ " limit 0") %}
    {#- Counters of the earlier layout (without `valid_to`): each row holds until the row_hash's next one. -#}
    {%- if 'valid_to' not in adapter.get_columns_in_relation(tally) | map(attribute='name') | list -%}
      {% do run_query("alter table " ~ tally ~ " add column valid_to date; update " ~ tally
            ~ " as t set valid_to = n.next_day from (select rowid as rid, lead(snapshot_date) over (partition by "
            ~ "row_hash order by snapshot_date) as next_day from " ~ tally ~ ") as n where t.rowid = n.rid") %}
    {%- endif -%}
  {%- endif -%}
  {#- A column the model gained reaches the history (older rows: null). -#}
  {%- set held = adapter.get_columns_in_relation(history) | map(attribute='name') | list -%}
  {%- for column in adapter.get_columns_in_relation(rows) if column.name not in held and column.name in identity -%}
    {% do run_query("alter table " ~ history ~ " add column " ~ adapter.quote(column.name) ~ " " ~ column.data_type) %}
  {%- endfor -%}

  {% call statement('main') %}
    -- Undo what this snapshot (or any later one, on an explicit rebuild) wrote before.
    delete from {{ history }} where valid_from >= {{ day }};
    update {{ history }} set valid_to = null where valid_to >= {{ day }};
    delete from {{ snapshots }} where snapshot_date >= {{ day }};

    create or replace temp table {{ this.identifier }}__incoming as
    select {{ kept | join(', ') }}, {{ row_hash(identity) }} as row_hash from {{ rows }};
    {#- Ranks on narrow columns: a window over the incoming rows themselves would sort every wide column. #}
    create or replace temp table {{ this.identifier }}__ranked as
    {{ ranked_rows(this.identifier ~ '__incoming') }};
    create or replace temp table {{ this.identifier }}__open as
    {{ ranked_rows(history) }} where valid_to is null;

    update {{ history }} set valid_to = {{ day }} where rowid in (
        select o.rid from {{ this.identifier }}__open as o
        anti join {{ this.identifier }}__ranked as r using (row_hash, row_n));
    insert into {{ history }} by name
    select n.*{% if counters %} exclude ({{ counters | join(', ') }}){% endif %}, {{ day }} as valid_from,
        null::date as valid_to
    from {{ this.identifier }}__incoming as n
    where n.rowid in (
        select r.rid from {{ this.identifier }}__ranked as r
        anti join {{ this.identifier }}__open as o using (row_hash, row_n));
    {%- if counters %}
    delete from {{ tally }} where snapshot_date >= {{ day }};
    update {{ tally }} set valid_to = null where valid_to >= {{ day }};
    create or replace temp table {{ this.identifier }}__moved as
    select n.row_hash, {{ day }} as snapshot_date{% for c in counters %}, n.{{ c }}{% endfor %}, null::date as valid_to
    from {{ this.identifier }}__incoming as n
    left join ({{ latest_counters(tally, counters, none) }}) as k using (row_hash)
    where n.rowid in (select rid from {{ this.identifier }}__ranked where row_n = 1)
        and k.counters is distinct from {{ counter_struct(counters, 'n.') }};
    update {{ tally }} set valid_to = {{ day }}
    where valid_to is null and row_hash in (select row_hash from {{ this.identifier }}__moved);
    insert into {{ tally }} by name select * from {{ this.identifier }}__moved;
    drop table {{ this.identifier }}__moved;
    {%- endif %}
    insert into {{ snapshots }} values ({{ day }}, now());
    drop table {{ this.identifier }}__incoming;
    drop table {{ this.identifier }}__ranked;
    drop table {{ this.identifier }}__open;

    {{ serve_history(columns, counters, history, snapshots, tally) }};
    drop view {{ rows }}
  {% endcall %}
  {{ return(commit_served_view()) }}
{% endmaterialization %}

{#- `<model>` (the rows held now) and `<model>__as_of(d)` (the rows held on `d`) over an interval history. -#}
{% macro serve_history(columns, counters, history, snapshots, tally) -%}
    create or replace view {{ this }} as
    {{ served_rows(columns, counters, history, snapshots, tally, none) }};
    create or replace macro {{ this.schema }}.{{ this.identifier }}__as_of(d) as table
    {{ served_rows(columns, counters, history, snapshots, tally, 'd::date') }}
{%- endmacro %}

{#- The end of a materialization serving `<model>` as a view: docs, post-hooks, commit; its return value. -#}
{% macro commit_served_view() -%}
  {% do persist_docs(this.incorporate(type='view'), model) %}
  {% do run_hooks(post_hooks, inside_transaction=True) %}
  {% do adapter.commit() %}
  {% do run_hooks(post_hooks, inside_transaction=False) %}
  {{ return({'relations': [this.incorporate(type='view')]}) }}
{%- endmacro %}

{% macro history_relation(relation) -%}
  {{ return(api.Relation.create(database=relation.database, schema=relation.schema,
                                identifier=relation.identifier ~ '__history', type='table')) }}
{%- endmacro %}

{% macro history_counters_relation(relation) -%}
  {{ return(api.Relation.create(database=relation.database, schema=relation.schema,
                                identifier=relation.identifier ~ '__counters', type='table')) }}
{%- endmacro %}

{% macro history_snapshots_relation(relation) -%}
  {{ return(api.Relation.create(database=relation.database, schema=relation.schema,
                                identifier=relation.identifier ~ '__snapshots', type='table')) }}
{%- endmacro %}

{#- Each row of `relation` by its rowid (`rid`), with its `row_hash` and its rank among the rows of equal hash. -#}
{% macro ranked_rows(relation) -%}
    select rowid as rid, row_hash, row_number() over (partition by row_hash order by rowid) as row_n from {{ relation }}
{%- endmacro %}

{#- A row's identity: the md5 of its columns as JSON (`snapshot_date` left out: an unchanged row keeps it). -#}
{% macro row_hash(columns) -%}
    md5_number(to_json({ {%- for c in columns %}'{{ c }}': {{ adapter.quote(c) }}{{ ", " if not loop.last }}{% endfor -%} })::varchar)
{%- endmacro %}

{#-
  A table of full copies per snapshot (the earlier layout) becomes intervals: for each row (hash, rank among equal
  rows), each run of consecutive snapshots holding it is one interval, closed by the next snapshot (or open).
-#}
{% macro convert_snapshot_copies(existing, history, snapshots, kept) -%}
  {% call statement('convert_' ~ existing.identifier) %}
    create table {{ history }} as
    with days as (
        select snapshot_date, row_number() over (order by snapshot_date) as i, lead(snapshot_date) over (order by snapshot_date) as next_day
        from (select distinct snapshot_date from {{ existing }})
    ),
    hashed as (
        select {{ kept | join(', ') }}, {{ row_hash(kept) }} as row_hash, snapshot_date from {{ existing }}
    ),
    ranked as (
        select h.*, d.i, row_number() over (partition by h.snapshot_date, h.row_hash) as row_n
        from hashed as h join days as d using (snapshot_date)
    ),
    islands as (
        select *, i - row_number() over (partition by row_hash, row_n order by i) as island from ranked
    ),
    spans as (
        select {% for c in kept %}any_value({{ adapter.quote(c) }}) as {{ adapter.quote(c) }}, {% endfor %}row_hash,
            min(snapshot_date) as valid_from, max(i) as last_i
        from islands
        group by row_hash, row_n, island
    )
    select s.* exclude (last_i), d.next_day as valid_to from spans as s join days as d on d.i = s.last_i;
    insert into {{ snapshots }} select distinct snapshot_date, now() from {{ existing }};
  {% endcall %}
{%- endmacro %}

{#- The counters of a table of full copies, kept on the days they differ from the row's previous snapshot. -#}
{% macro convert_counter_copies(existing, tally, identity, counters) -%}
  {% call statement('convert_counters_' ~ existing.identifier) %}
    create table {{ tally }} as
    select row_hash, snapshot_date{% for c in counters %}, {{ c }}{% endfor %}
    from (
        select * from (
            select {{ row_hash(identity) }} as row_hash, snapshot_date{% for c in counters %}, {{ c }}{% endfor %}
            from {{ existing }}
        )
        qualify row_number() over (partition by row_hash, snapshot_date) = 1
    )
    qualify {{ counter_struct(counters, '') }} is distinct from
        lag({{ counter_struct(counters, '') }}) over (partition by row_hash order by snapshot_date);
  {% endcall %}
{%- endmacro %}

{% macro counter_struct(counters, prefix) -%}
    { {%- for c in counters %}'{{ c }}': {{ prefix }}{{ c }}{{ ", " if not loop.last }}{% endfor -%} }
{%- endmacro %}

{#- Each row's current counters (or those held on `as_of`, a SQL date expression, when given). -#}
{% macro latest_counters(tally, counters, as_of) -%}
    select row_hash, {{ counter_struct(counters, '') }} as counters from {{ tally }}
    {%- if as_of %}
    where snapshot_date <= {{ as_of }} and (valid_to is null or valid_to > {{ as_of }})
    {%- else %}
    where valid_to is null
    {%- endif %}
{%- endmacro %}

{#-
  The rows served: the latest snapshot (`as_of` none) or the one on or before the date `as_of`, with the model's
  columns in their order, `snapshot_date` the snapshot they come from and the counters joined back.
-#}
{% macro served_rows(columns, counters, history, snapshots, tally, as_of) -%}
    select {% for c in columns -%}
        {%- if c == 'snapshot_date' -%}
        (select max(snapshot_date) from {{ snapshots }}
            {%- if as_of %} where snapshot_date <= {{ as_of }}{% endif %}) as snapshot_date
        {%- elif c in counters -%}
        struct_extract(k.counters, '{{ c }}') as {{ adapter.quote(c) }}
        {%- else -%}
        h.{{ adapter.quote(c) }}
        {%- endif %}{{ ", " if not loop.last }}
    {% endfor -%}
    from {{ history }} as h
    {%- if counters %}
    left join ({{ latest_counters(tally, counters, as_of) }}) as k using (row_hash)
    {%- endif %}
    {%- if as_of %}
    where h.valid_from <= {{ as_of }} and (h.valid_to is null or h.valid_to > {{ as_of }})
    {%- else %}
    where h.valid_to is null
    {%- endif %}
{%- endmacro %}

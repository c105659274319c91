{#-
  Rows of one raw source for the snapshot being built: the `snapshot_date` var, or else the latest snapshot whose
  crawl of that source finished. A repo listed twice in one walk (renamed or re-sorted mid-walk) keeps its latest
  observation, keyed by the Hub's `_id` (stable across renames), never by `id`.
-#}
{% macro snapshot_rows(source_name, fields=none) -%}
    with snapshot as (
        select max(snapshot_date) as snapshot_date
        from raw.crawl_state  -- bookkeeping written by the raw assets, not a data source
        where source = '{{ source_name }}' and done
        {%- if var('snapshot_date') %} and snapshot_date = date '{{ var("snapshot_date") }}'{% endif %}
    )
    select r.*{% if fields %} exclude (stored, counted), {{ merged_body(fields, 'stored', 'counted') }} as j{% endif %}
    from (
        select r.*{% if fields %}, {{ parsed_body(fields, 'r.stored_body') }} as stored,
            {{ parsed_body(fields, 'r.counters') }} as counted{% endif %}
        from {{ source('raw', source_name) }} as r
        inner join snapshot using (snapshot_date)
        where r.rowid in ({{ latest_row_ids(source('raw', source_name),
            'snapshot_date = (select snapshot_date from snapshot)', '(observed_at, page)') }})
            -- One id under two internal ids (`_id`) cannot be told apart: the pair is left out (the crawler
            -- quarantined it with the reason) and the rest builds.
            and r.id not in (select id from {{ source('raw', source_name) }}
                where snapshot_date = (select snapshot_date from snapshot) group by id having count(distinct key) > 1)
    ) as r
{%- endmacro %}

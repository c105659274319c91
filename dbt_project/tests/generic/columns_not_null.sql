{#-
  No nulls in any of `columns`: one scan and one dbt node per model where a `not_null` test per column would be one
  of each per column (241 of them cost ≈ 6 s of node time at any size, PERFORMANCE.md). A failure lists each column
  holding nulls with how many rows.
-#}
{% test columns_not_null(model, columns) %}
with nulls as (
    select
    {%- for column in columns %}
        count(*) filter (where {{ adapter.quote(column) }} is null) as {{ adapter.quote(column) }}{{ "," if not loop.last }}
    {%- endfor %}
    from {{ model }}
)

select column_name, null_rows
from (unpivot nulls on columns(*) into name column_name value null_rows)
where null_rows > 0
{% endtest %}

{#- The k-core holds in every snapshot: no remaining user or item falls below its threshold (fails when the
    k-core's recursion stopped short of its fixed point). -#}
{% test kcore_holds(model, user_column, item_column, min_user, min_item) %}
select 'user' as side, {{ user_column }} as id, snapshot_date, count(*) as n
from {{ model }}
group by {{ user_column }}, snapshot_date
having count(*) < {{ min_user }}
union all
select 'item', {{ item_column }}, snapshot_date, count(*)
from {{ model }}
group by {{ item_column }}, snapshot_date
having count(*) < {{ min_item }}
{% endtest %}

{#- Every entity of a valid/test row also occurs in a train row of the same snapshot (transductive splits). -#}
{% test seen_in_train(model, split_column, entity_columns) %}
with train as (
    {%- for c in entity_columns %}
    {% if not loop.first %}union{% endif %}
    select {{ c }} as entity, snapshot_date from {{ model }} where {{ split_column }} = 'train'
    {%- endfor %}
)
{%- for c in entity_columns %}
{% if not loop.first %}union all{% endif %}
select m.{{ c }} as entity, m.snapshot_date
from {{ model }} as m
left join train as t on t.entity = m.{{ c }} and t.snapshot_date = m.snapshot_date
where m.{{ split_column }} in ('valid', 'test') and t.entity is null
{%- endfor %}
{% endtest %}

{#- No tag feature reveals a label (`label_revealing_tags`). -#}
{% test no_label_in_tags(model, column_name, tasks) %}
with tags as (select node_id, unnest({{ column_name }}) as tag, snapshot_date from {{ model }})
{{ label_revealing_tags('tags', tasks) }}
{% endtest %}

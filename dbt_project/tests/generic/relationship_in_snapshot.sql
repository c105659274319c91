{#- `relationships`, per snapshot: every value must be a `field` of `to` *in the same snapshot* (marts keep
    history, so the plain test would accept an edge to a node that only existed in an older snapshot). -#}
{% test relationship_in_snapshot(model, column_name, to, field) %}
select c.{{ column_name }}, c.snapshot_date
from {{ model }} as c
left join {{ to }} as p on p.{{ field }} = c.{{ column_name }} and p.snapshot_date = c.snapshot_date
where c.{{ column_name }} is not null and p.{{ field }} is null
{% endtest %}

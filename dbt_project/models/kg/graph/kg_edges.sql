-- Every edge of the snapshot whose both endpoints are nodes: the union of the 30 relation tables, raw ids.
-- `attributes_hash` fingerprints edge attributes (the lineage source), for kg_changes.
{%- for r in kg_relations() %}
{% if not loop.first %}union all{% endif %}
select
    {{ r['keys'][0] }} as head,
    '{{ r.name }}' as relation,
    {{ r['keys'][1] }} as tail,
    '{{ r.head }}' as head_type,
    '{{ r.tail }}' as tail_type,
    {%- if r.head == 'model' and r.tail == 'model' %}
    md5(lineage_source || ':' || array_to_string(lineage_sources, ',')) as attributes_hash,
    {%- else %}
    null::varchar as attributes_hash,
    {%- endif %}
    snapshot_date
from {{ ref(r.name) }}
where snapshot_date = {{ build_snapshot_date() }}
{%- endfor %}

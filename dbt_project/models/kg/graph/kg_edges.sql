-- Every edge whose both endpoints are nodes: the interval rows of the 30 relation marts, under one set of columns
-- (macros/validity_union.sql: a view, the rows stored once, in the relation marts). `attributes_hash` fingerprints
-- edge attributes (the lineage source), for kg_changes.
{{ config(materialized='validity_union') }}
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
    valid_from,
    valid_to
from {{ history_part(ref(r.name)) }}
{%- endfor %}

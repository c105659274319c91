-- Stated edges with their endpoint types and, when an endpoint is not a node of the snapshot (or a lineage
-- candidate lost, see int_model_lineage), why: such edges go to kg_dangling_edges, never to kg_edges. A paper the Hub answered 404 for is told apart from one not fetched.
{%- set types = {} %}
{%- for r in kg_relations() %}{% do types.update({r.name: [r.head, r.tail]}) %}{% endfor %}
with edges as (
    select
        e.*,
        case e.relation
            {%- for name, t in types.items() %}
            when '{{ name }}' then '{{ t[0] }}'
            {%- endfor %}
        end as head_type,
        case e.relation
            {%- for name, t in types.items() %}
            when '{{ name }}' then '{{ t[1] }}'
            {%- endfor %}
        end as tail_type
    from {{ ref('int_stated_edges') }} as e
),

nodes as (select node_type, node_id from {{ ref('int_nodes') }}),

-- keys the crawl got a 404 for, or never asked because the request budget (HUBKG_REQUEST_BUDGET) was spent
unanswered_keys as (
    select
        kind,
        key,
        case status when 'missing' then 'not found (404)' else 'not fetched (request budget spent)' end as why
    from {{ ref('stg_fetch_queue') }}
    where status in ('missing', 'deferred')
),

checked as (
    select
        e.*,
        h.node_id is not null as head_exists,
        t.node_id is not null as tail_exists
    from edges as e
    left join nodes as h on h.node_type = e.head_type and h.node_id = e.head_id
    left join nodes as t on t.node_type = e.tail_type and t.node_id = e.tail_id
)

select
    c.snapshot_date,
    c.relation,
    c.head_id,
    c.tail_id,
    c.head_type,
    c.tail_type,
    c.lineage_source,
    c.lineage_sources,
    c.relation_source,
    c.dropped_reason is null and not (c.head_exists and c.tail_exists) as endpoint_missing,
    case
        -- a lineage candidate that lost to another statement of the same parent, or names the model itself
        when c.dropped_reason is not null then c.dropped_reason
        -- lineage edges run base → derived: the base is the endpoint that can be missing
        when not c.head_exists and c.lineage_source is not null and not regexp_full_match(c.head_id, '[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?')
            then 'base model id malformed (not owner/name: a URL, revision, path or non-string value)'
        when not c.head_exists and c.lineage_source is not null and not contains(c.head_id, '/')
            then 'base model not in snapshot (legacy id without namespace, renamed since)'
        when not c.head_exists and c.lineage_source is not null then 'base model not in snapshot'
        when not c.tail_exists and c.tail_type = 'paper' and mp.key is not null then 'paper ' || mp.why
        when not c.tail_exists then c.tail_type || ' not in snapshot'
        when not c.head_exists and ma.key is not null then c.head_type || ' ' || ma.why
        when not c.head_exists then c.head_type || ' not in snapshot'
    end as dangling_reason
from checked as c
left join unanswered_keys as mp on mp.kind = 'papers' and mp.key = c.tail_id
left join unanswered_keys as ma on ma.kind = 'principals' and ma.key = c.head_id

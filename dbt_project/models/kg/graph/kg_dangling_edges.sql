-- Edges the snapshot states that are not in kg_edges, with the reason: an endpoint is not a node of it (deleted or
-- never existing repos, legacy dataset ids, arXiv ids without a paper page, ...; `endpoint_missing`), or a lineage
-- statement names the model itself or lost to another statement of the same parent (int_model_lineage). Kept and
-- counted, never in kg_edges.
select
    head_id as head,
    relation,
    tail_id as tail,
    head_type,
    tail_type,
    dangling_reason as reason,
    lineage_source,
    endpoint_missing,
    snapshot_date
from {{ ref('int_edges') }}
where dangling_reason is not null

-- Edges the snapshot states but whose endpoint is not a node of it (deleted or never existing repos, legacy
-- dataset ids, arXiv ids without a paper page, ...), with the reason. Kept and counted, never in kg_edges.
select
    head_id as head,
    relation,
    tail_id as tail,
    head_type,
    tail_type,
    dangling_reason as reason,
    lineage_source,
    snapshot_date
from {{ ref('int_edges') }}
where dangling_reason is not null

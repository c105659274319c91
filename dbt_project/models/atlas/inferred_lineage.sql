-- Proposed parents for models that document none (no lineage statement in any form), from metadata alone: name
-- pattern, author and creation order (`int_lineage_candidates`). All proposals are kept with their confidence;
-- `published` marks those at or above the cut-off whose precision `lineage_inference_eval` measures.
with documented as (
    select distinct model_id from {{ ref('atlas_edges') }} where snapshot_date = {{ build_snapshot_date() }}
)

select
    b.base_model_id,
    b.model_id,
    b.relation,
    b.confidence,
    b.confidence >= {{ inferred_lineage_cutoff() }} as published,
    {{ build_snapshot_date() }} as snapshot_date
from {{ ref('int_lineage_candidates') }} as b
anti join documented as d using (model_id)

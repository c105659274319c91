-- Models created per month, by relation to their parent(s) and by root family (the component's main root), so
-- both trends are one `group by` away. Models without a creation date (the Hub's 2022 placeholder) are left out.
select
    date_trunc('month', created_at)::date as month,
    relation_type,
    component_root as root_family,
    count(*) as new_models,
    snapshot_date
from {{ ref('atlas_nodes') }}
where snapshot_date = {{ build_snapshot_date() }} and not is_placeholder and created_at is not null
group by all

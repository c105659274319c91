-- One row per (user, liked repo) with the like's time. The raw key is the user; the Hub also lists kinds of repo
-- HuggingKG has no node type for (kernels, buckets): they are left out here.
with rows as ({{ entity_rows('user_likes', "j.repo ->> 'type', j.repo ->> 'name'", fields=['createdAt', 'repo']) }})

select
    snapshot_date,
    observed_at,
    key as user_name,
    j.repo ->> 'type' as repo_type,
    j.repo ->> 'name' as repo_id,
    {{ json_ts('createdAt') }} as liked_at
from rows
where (j.repo ->> 'type') in ('model', 'dataset', 'space')

-- One row per (organisation, follower).
with rows as ({{ entity_rows('org_followers', "j.user ->> '$'", fields=['user']) }})

select snapshot_date, observed_at, key as org_name, {{ json_text('user') }} as follower_name
from rows

-- One row per (organisation, member).
with rows as ({{ entity_rows('org_members', "j.user ->> '$'", fields=['user', 'role']) }})

select snapshot_date, observed_at, key as org_name, {{ json_text('user') }} as member_name, {{ json_text('role') }} as role
from rows

-- One row per (followed user, follower).
with rows as ({{ entity_rows('user_followers', "j.user ->> '$'", fields=['user']) }})

select snapshot_date, observed_at, key as followee_name, {{ json_text('user') }} as follower_name
from rows

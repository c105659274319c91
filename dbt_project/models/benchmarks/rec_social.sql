-- Social side information for the recommendation benchmark: `user_follow_user` among the benchmark's users.
with users as (
    select distinct user_id from {{ ref('rec_interactions') }} where snapshot_date = {{ build_snapshot_date() }}
)

select f.follower_id, f.followee_id, f.snapshot_date
from {{ ref('user_follow_user') }} as f
where f.snapshot_date = {{ build_snapshot_date() }}
    and f.follower_id in (select user_id from users)
    and f.followee_id in (select user_id from users)

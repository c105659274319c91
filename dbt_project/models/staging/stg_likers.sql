-- One row per (repo, liker). The raw key is `<type>s/<repo id>`.
with rows as ({{ entity_rows('likers', "j.user ->> '$'", fields=['user']) }})

select
    snapshot_date,
    observed_at,
    rtrim(split_part(key, '/', 1), 's') as repo_type,
    substr(key, strpos(key, '/') + 1) as repo_id,
    {{ json_text('user') }} as user_name
from rows

-- Counters move daily on many rows: kept beside the history, not in it (macros/validity_intervals.sql).
{{ config(counter_columns=['likes', 'trending_score']) }}
-- HuggingKG's Space entity (id, name, times, likes, tags) plus SDK, runtime stage and card presence.
select
    space_id as id,
    object_id,
    split_part(space_id, '/', 2) as name,
    author,
    created_at,
    last_modified,
    likes,
    trending_score,
    tags,
    sdk,
    runtime ->> '$.stage' as runtime_stage,
    card_data is not null and card_data::varchar not in ('null', '{}') as has_card,
    snapshot_date
from {{ ref('stg_spaces') }}

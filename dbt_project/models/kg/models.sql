-- HuggingKG's model entity, plus the attributes users ask for (all-time downloads, gating, parameter count,
-- card presence). Plural table names: `user` is a reserved word, so every entity table is plural.
select
    model_id as id,
    object_id,
    split_part(model_id, '/', 2) as name,
    author,
    created_at,
    last_modified,
    downloads,
    downloads_all_time,
    likes,
    trending_score,
    library_name,
    pipeline_tag,
    {{ tag_values('tags', 'license') }}[1] as license,
    gated,
    parameters,
    card_data is not null and card_data::varchar not in ('null', '{}') as has_card,
    snapshot_date
from {{ ref('stg_models') }}

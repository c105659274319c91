-- One row per README.md read: the card's prose (front matter removed, made inert: it is republished), the file's
-- full size, and whether the HUBKG_README_MAX_BYTES cap cut it. Keys are Hub paths: `<id>` or `datasets/<id>`.
with rows as ({{ entity_rows('readmes', fields=['text', 'bytes', 'truncated', 'commit']) }}),

-- the prose apart from the rest, so `inert_text`, which reads it twice, does not strip the front matter twice
prose as (select *, {{ strip_front_matter(json_text('text')) }} as prose from rows)

select
    snapshot_date,
    observed_at,
    case when starts_with(key, 'datasets/') then 'dataset' else 'model' end as repo_type,
    case when starts_with(key, 'datasets/') then substr(key, length('datasets/') + 1) else key end as repo_id,
    {{ inert_text('prose') }} as card_text,
    {{ json_bigint('bytes') }} as card_bytes,
    {{ json_bool('truncated') }} as card_truncated,
    {{ json_text('commit') }} as card_commit
from prose

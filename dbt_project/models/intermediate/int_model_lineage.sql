-- Model → base model edges, the union of every form the Hub states lineage in (WORLD_FORMAT.md "Lineage forms"):
--   tag3       tags `base_model:<relation>:<id>` (explicit relation)
--   tag2       tags `base_model:<id>` (pre-2024-10 style, no relation)
--   cardData   `cardData.base_model` (string or list) + optional `cardData.base_model_relation`
--   baseModels `baseModels` = {relation, models: [{id}]} (explicit) or a bare list [{id}] (no relation)
-- One row per distinct (base, derived): source = its strongest form (tag3 > tag2 > cardData > baseModels), sources
-- = every form stating it. Without a stated relation it is inferred like the Hub does: several parents (in that
-- form) → merge; a `gguf` field or `config.quantization_config` → quantized; else finetune.
with models as (
    select
        snapshot_date,
        model_id,
        tags,
        card_data,
        base_models,
        (gguf is not null and json_type(gguf) <> 'NULL')
        or coalesce(json_type(config, '$.quantization_config') not in ('NULL'), false) as quantization_evidence
    from {{ ref('stg_models') }}
),

base_tags as (
    select snapshot_date, repo_id as model_id, value
    from {{ ref('int_repo_tags') }}
    where repo_type = 'model' and prefix = 'base_model'
),

tag_statements as (
    select
        snapshot_date,
        model_id,
        case when split_part(value, ':', 1) in ('adapter', 'finetune', 'merge', 'quantized')
             then substr(value, strpos(value, ':') + 1) else value end as base_id,
        case when split_part(value, ':', 1) in ('adapter', 'finetune', 'merge', 'quantized')
             then split_part(value, ':', 1) end as stated_relation,
        case when split_part(value, ':', 1) in ('adapter', 'finetune', 'merge', 'quantized')
             then 'tag3' else 'tag2' end as form
    from base_tags
),

card_statements as (
    select
        snapshot_date,
        model_id,
        unnest({{ json_string_or_list("card_data -> '$.base_model'") }}) as base_id,
        lower(card_data ->> '$.base_model_relation') as stated_relation,
        'cardData' as form
    from models
    where card_data is not null
),

base_models_statements as (
    select
        snapshot_date,
        model_id,
        unnest(
            case json_type(base_models)
                when 'OBJECT' then from_json(base_models -> '$.models', '[{"id": "VARCHAR"}]')
                when 'ARRAY' then from_json(base_models, '[{"id": "VARCHAR"}]')
            end
        ).id as base_id,
        case json_type(base_models) when 'OBJECT' then lower(base_models ->> '$.relation') end as stated_relation,
        'baseModels' as form
    from models
    where base_models is not null
),

statements as (
    select * from tag_statements
    union all
    select * from card_statements
    union all
    select * from base_models_statements
),

-- Keep stated relations the Hub knows; anything else counts as unstated and is inferred.
cleaned as (
    select
        snapshot_date,
        model_id,
        trim(base_id) as base_id,
        case when stated_relation in ('adapter', 'finetune', 'merge', 'quantized') then stated_relation end
            as stated_relation,
        form,
        case form when 'tag3' then 1 when 'tag2' then 2 when 'cardData' then 3 else 4 end as strength
    from statements
    where base_id is not null and trim(base_id) <> '' and trim(base_id) <> model_id
),

-- `tag2` tags are the unqualified twins of `tag3` ones: a tag-stated parent counts once per model.
parents_per_form as (
    select
        snapshot_date,
        model_id,
        case when form in ('tag3', 'tag2') then 'tags' else form end as form_group,
        count(distinct base_id) as parent_count
    from cleaned
    group by all
),

ranked as (
    select
        c.*,
        p.parent_count,
        list(distinct c.form) over (partition by c.model_id, c.base_id) as sources,
        row_number() over (partition by c.model_id, c.base_id order by c.strength, c.stated_relation nulls last) as rank
    from cleaned as c
    inner join parents_per_form as p
        on p.model_id = c.model_id
        and p.form_group = case when c.form in ('tag3', 'tag2') then 'tags' else c.form end
)

select
    r.snapshot_date,
    r.base_id as base_model_id,
    r.model_id,
    coalesce(
        r.stated_relation,
        case when r.parent_count > 1 then 'merge' when m.quantization_evidence then 'quantized' else 'finetune' end
    ) as relation,
    r.stated_relation is not null as relation_stated,
    r.form as source,
    list_sort(r.sources) as sources
from ranked as r
inner join models as m using (model_id)
where r.rank = 1

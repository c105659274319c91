-- Model → base model lineage candidates, from every form the Hub states lineage in (WORLD_FORMAT.md "Lineage forms"):
--   tag3       tags `base_model:<relation>:<id>` (explicit relation)
--   tag2       tags `base_model:<id>` (pre-2024-10 style, no relation)
--   cardData   `cardData.base_model` (string or list) + optional `cardData.base_model_relation`
--   baseModels `baseModels` = {relation, models: [{id}]} (explicit) or a bare list [{id}] (no relation)
-- One row per distinct (base, derived, relation) candidate; exactly one candidate per (base, derived) wins (an edge,
-- or a dangling edge when the base is not in the snapshot), every other one keeps a `dropped_reason`:
-- * The Hub resolves ids case-insensitively: a base named in another case is the model of that id.
-- * A base naming the model itself is dropped ('base model is the model itself').
-- * The relation of a statement is the one it states; else the one the model states for its other parents
--   (`inherited`: inference never overrides a stated relation, e.g. a card-only list of two parents on a model
--   whose tags say it is an adapter); else inferred like the Hub: several parents (in that form) → merge, a `gguf`
--   field or `config.quantization_config` → quantized, else finetune.
-- * Two relations for one (base, derived): stated (or inherited) beats inferred; then the more specific one wins
--   (quantized, adapter and merge each say more than finetune); then the stronger form (tag3 > tag2 > cardData >
--   baseModels), then the name. `relation_source` records what decided the winner's relation.
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

-- Hub ids are unique case-insensitively.
model_ids as (
    select lower(model_id) as id_key, min(model_id) as model_id from models group by 1
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
        -- str or list as documented; any other JSON value is kept as its text, so it dangles as malformed
        unnest(
            case json_type(card_data -> '$.base_model')
                when 'VARCHAR' then [card_data ->> '$.base_model']
                when 'ARRAY' then from_json(card_data -> '$.base_model', '["VARCHAR"]')
                when 'NULL' then []::varchar[]
                else [(card_data -> '$.base_model')::varchar]
            end
        ) as base_id,
        lower(card_data ->> '$.base_model_relation') as stated_relation,
        'cardData' as form
    from models
    where (card_data -> '$.base_model') is not null
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

-- Keep stated relations the Hub knows; anything else counts as unstated. A blank base states nothing.
cleaned as (
    select
        s.snapshot_date,
        s.model_id,
        coalesce(i.model_id, trim(s.base_id)) as base_id,
        case when s.stated_relation in ('adapter', 'finetune', 'merge', 'quantized') then s.stated_relation end
            as stated_relation,
        s.form,
        case s.form when 'tag3' then 1 when 'tag2' then 2 when 'cardData' then 3 else 4 end as strength
    from statements as s
    left join model_ids as i on i.id_key = lower(trim(s.base_id))
    where s.base_id is not null and trim(s.base_id) <> ''
),

-- quantized, adapter and merge are each more specific than finetune
specificity as (
    select * from (values ('quantized', 1), ('adapter', 1), ('merge', 1), ('finetune', 2)) as t (relation, rank)
),

-- The relation a model states for any of its parents (the most specific, then the strongest form).
model_stated as (
    select c.model_id, arg_min(c.stated_relation, s.rank * 10 + c.strength) as stated_relation
    from cleaned as c
    inner join specificity as s on s.relation = c.stated_relation
    where c.base_id <> c.model_id
    group by c.model_id
),

-- `tag2` tags are the unqualified twins of `tag3` ones: a tag-stated parent counts once per model.
parents_per_form as (
    select
        model_id,
        case when form in ('tag3', 'tag2') then 'tags' else form end as form_group,
        count(distinct base_id) as parent_count
    from cleaned
    where base_id <> model_id
    group by all
),

resolved as (
    select
        c.snapshot_date,
        c.model_id,
        c.base_id,
        c.form,
        c.strength,
        coalesce(
            c.stated_relation,
            ms.stated_relation,
            case when p.parent_count > 1 then 'merge' when m.quantization_evidence then 'quantized' else 'finetune' end
        ) as relation,
        case
            when c.stated_relation is not null then c.form
            when ms.stated_relation is not null then 'inherited'
            else 'inferred'
        end as relation_source
    from cleaned as c
    inner join models as m using (model_id)
    left join model_stated as ms using (model_id)
    left join parents_per_form as p
        on p.model_id = c.model_id
        and p.form_group = case when c.form in ('tag3', 'tag2') then 'tags' else c.form end
),

candidates as (
    select
        snapshot_date,
        base_id,
        model_id,
        relation,
        arg_min(form, strength) as source,
        list_sort(list(distinct form)) as sources,
        min(strength) as strength,
        -- ties between stated forms go to the strongest form (as `source`): the same input, the same row every day
        arg_min(
            relation_source, 10 * case relation_source when 'inferred' then 2 when 'inherited' then 1 else 0 end + strength
        ) as relation_source
    from resolved
    group by snapshot_date, base_id, model_id, relation
),

ranked as (
    select
        c.*,
        c.relation_source = 'inferred' as inferred,
        s.rank as specificity,
        row_number() over (
            partition by c.model_id, c.base_id
            order by c.relation_source = 'inferred', s.rank, c.strength, c.relation
        ) as rank
    from candidates as c
    inner join specificity as s using (relation)
),

winners as (select model_id, base_id, inferred, specificity, strength from ranked where rank = 1)

select
    r.snapshot_date,
    r.base_id as base_model_id,
    r.model_id,
    r.relation,
    not r.inferred as relation_stated,
    r.relation_source,
    r.source,
    r.sources,
    case
        when r.base_id = r.model_id then 'base model is the model itself'
        when r.rank = 1 then null
        when r.inferred and not w.inferred then 'relation inferred, superseded by a stated one'
        when r.specificity > w.specificity
            then 'relation superseded by a more specific one (quantized, adapter, merge over finetune)'
        when r.strength > w.strength then 'relation superseded by one stated in a stronger form'
        else 'relation superseded by another of the same specificity and form (by name)'
    end as dropped_reason
from ranked as r
inner join winners as w using (model_id, base_id)

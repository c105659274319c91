-- A parent proposed for every model from metadata alone (one per model, the best): the model's name minus a
-- derivation suffix (`derivation_suffixes`) must be the name of an older model. Names repeat across authors
-- (re-uploads, forks), so the confidence is a candidate's share of the weight of all same-named candidates,
-- weight = downloads + 1, tripled for the child's own author (people quantize and fine-tune their own releases):
-- 1 for a unique name, the popular original over its re-uploads otherwise. Built once per build for
-- `inferred_lineage` (models documenting no parent) and `lineage_inference_eval` (documented ones, held out).
with
named as (
    select id as model_id, author, lower(split_part(id, '/', 2)) as name, created_at, coalesce(downloads, 0) as downloads
    from {{ ref('models') }}
    where snapshot_date = {{ build_snapshot_date() }}
),

stripped as (
    {%- for s in derivation_suffixes() %}
    select model_id, author, created_at, '{{ s.relation }}' as relation,
        regexp_extract(name, '^(.+)[-_.]({{ s.pattern }})(-[0-9]+)?$', 1) as base_name
    from named
    where regexp_matches(name, '^(.+)[-_.]({{ s.pattern }})(-[0-9]+)?$')
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- A popular base name is shared by thousands of models, so candidate pairs are never formed: per name (and per
-- name and author) the eligible parents' weight sum and best parent come from running aggregates in creation
-- order (a child sorts before parents created at the same instant: they are not older) plus the parents of
-- unknown creation time, which are eligible for every child, as every parent is for a child of unknown time.
parents as (
    select model_id, author, name, created_at, downloads + 1 as weight
    from named
    where name in (select base_name from stripped)
),

running as (
    select
        model_id,
        name,
        author,
        is_child,
        sum(weight) over by_name as name_weight,
        max(best) over by_name as name_best,
        sum(weight) over by_author as author_weight,
        max(best) over by_author as author_best
    from (
        select model_id, name, author, created_at, 0 as is_child, weight, {'weight': weight, 'id': model_id} as best
        from parents where created_at is not null
        union all
        select model_id, base_name, author, created_at, 1, null, null from stripped where created_at is not null
    )
    window
        by_name as (partition by name order by created_at, 1 - is_child rows unbounded preceding),
        by_author as (partition by name, author order by created_at, 1 - is_child rows unbounded preceding)
),

-- per name (`level` name) and per name and author (`level` author): parents of unknown creation time, and all
undated as (
    select 'name' as level, name, null as author, sum(weight) as total, max({'weight': weight, 'id': model_id}) as best
    from parents where created_at is null group by name
    union all
    select 'author', name, author, sum(weight), max({'weight': weight, 'id': model_id})
    from parents where created_at is null and author is not null group by name, author
),

everyone as (
    select 'name' as level, name, null as author, sum(weight) as total, max({'weight': weight, 'id': model_id}) as best
    from parents group by name
    union all
    select 'author', name, author, sum(weight), max({'weight': weight, 'id': model_id})
    from parents where author is not null group by name, author
),

eligible as (
    select
        s.model_id,
        s.relation,
        coalesce(r.name_weight, 0) + coalesce(un.total, 0) + coalesce(ev.total, 0) as name_weight,
        case when s.author is not null
            then coalesce(r.author_weight, 0) + coalesce(ua.total, 0) + coalesce(ea.total, 0) else 0
        end as author_weight,
        coalesce(greatest(r.name_best, un.best, ev.best), r.name_best, un.best, ev.best) as name_best,
        case when s.author is not null
            then coalesce(greatest(r.author_best, ua.best, ea.best), r.author_best, ua.best, ea.best)
        end as author_best
    from stripped as s
    left join running as r on r.is_child = 1 and r.model_id = s.model_id and r.name = s.base_name
    left join undated as un on s.created_at is not null and un.level = 'name' and un.name = s.base_name
    left join undated as ua
        on s.created_at is not null and ua.level = 'author' and ua.name = s.base_name and ua.author = s.author
    left join everyone as ev on s.created_at is null and ev.level = 'name' and ev.name = s.base_name
    left join everyone as ea
        on s.created_at is null and ea.level = 'author' and ea.name = s.base_name and ea.author = s.author
),

-- The best parent is the heaviest of the name (weight × 1) or the heaviest of the child's author (weight × 3);
-- the name's heaviest, if it is the author's, is outweighed by its own tripled weight.
candidates as (
    select
        model_id,
        relation,
        case
            when author_best is null then name_best
            else greatest(name_best, {'weight': 3 * author_best.weight, 'id': author_best.id})
        end as best,
        name_weight + 2 * author_weight as total_weight
    from eligible
    where name_weight > 0
),

best_candidate as (
    select
        model_id,
        arg_max(best.id, (round(best.weight / total_weight, 4), best.id)) as base_model_id,
        arg_max(relation, (round(best.weight / total_weight, 4), best.id)) as relation,
        max(round(best.weight / total_weight, 4)) as confidence
    from candidates
    group by model_id
)

select *, {{ build_snapshot_date() }} as snapshot_date from best_candidate

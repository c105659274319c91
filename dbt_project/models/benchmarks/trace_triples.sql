-- HuggingBench model tracing: (base model, relation, derived model) triples of the four lineage relations, with a
-- seeded random split made transductive and a temporal split on the derived model's creation time.
{%- set lineage = ['model_adapter_model', 'model_finetune_model', 'model_merge_model', 'model_quantized_model'] %}
{%- set valid_share = bench_var('trace_valid_share') %}
{%- set test_share = bench_var('trace_test_share') %}
with triples as (
    {%- for r in lineage %}
    {% if not loop.first %}union all{% endif %}
    select base_model_id as head, '{{ r }}' as relation, model_id as tail
    from {{ ref(r) }}
    where snapshot_date = {{ build_snapshot_date() }}
    {%- endfor %}
),

-- Most derived models occur in one triple only; drawing those into valid/test would only move them back to train.
-- So valid/test are drawn among triples whose head and tail both occur in another triple, at rates scaled up so
-- their shares of all triples stay ≈ trace_valid_share / trace_test_share.
degrees as (
    select entity, count(*) as degree
    from (select head as entity from triples union all select tail from triples)
    group by entity
),

rates as (
    select
        least(0.5, {{ valid_share }} * count(*) / greatest(count(*) filter (where eligible), 1)) as valid_rate,
        least(0.5, {{ test_share }} * count(*) / greatest(count(*) filter (where eligible), 1)) as test_rate
    from (
        select hd.degree > 1 and td.degree > 1 as eligible
        from triples as t
        inner join degrees as hd on hd.entity = t.head
        inner join degrees as td on td.entity = t.tail
    )
),

drawn as (
    select
        t.*,
        m.created_at as tail_created_at,
        case
            when hd.degree = 1 or td.degree = 1 then 'train'
            when {{ bench_unit_hash(['t.head', 't.relation', 't.tail']) }} < r.valid_rate then 'valid'
            when {{ bench_unit_hash(['t.head', 't.relation', 't.tail']) }} < r.valid_rate + r.test_rate then 'test'
            else 'train'
        end as drawn_split
    from triples as t
    inner join degrees as hd on hd.entity = t.head
    inner join degrees as td on td.entity = t.tail
    cross join rates as r
    left join {{ ref('models') }} as m on m.id = t.tail and m.snapshot_date = {{ build_snapshot_date() }}
),

train_entities as (
    select head as entity from drawn where drawn_split = 'train'
    union
    select tail from drawn where drawn_split = 'train'
),

-- transductive: a valid/test triple with an entity absent from train moves to train. Moving only adds entities
-- to train, so the triples left in valid/test still qualify after one pass.
random_split as (
    select
        d.*,
        case
            when d.drawn_split <> 'train' and (h.entity is null or t.entity is null) then 'train'
            else d.drawn_split
        end as split_random
    from drawn as d
    left join train_entities as h on h.entity = d.head
    left join train_entities as t on t.entity = d.tail
),

-- test = derived models created from the last `trace_test_share` quantile on (valid the share before); models of
-- unknown creation time predate March 2022 (Hub placeholder), so they train
cutoffs as (
    select
        quantile_disc(tail_created_at, 1 - {{ valid_share }} - {{ test_share }}) as valid_from,
        quantile_disc(tail_created_at, 1 - {{ test_share }}) as test_from
    from drawn
)

select
    r.head,
    r.relation,
    r.tail,
    r.tail_created_at,
    r.split_random,
    case
        when r.tail_created_at is null or r.tail_created_at < c.valid_from then 'train'
        when r.tail_created_at < c.test_from then 'valid'
        else 'test'
    end as split_temporal,
    {{ build_snapshot_date() }} as snapshot_date
from random_split as r
cross join cutoffs as c

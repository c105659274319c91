-- Imputed metadata for models that lack it: the majority value of the model's hub (siblings under a shared
-- parent), else the most common value overall. Documented values stay in `kg.models`; a model gets a row only
-- when at least one attribute is missing, and each imputed value names its method.
with
{{ attribute_label_ctes() }},

hub_vote as (select model_id, attribute, value from {{ ref('int_hub_votes') }}),

models as (
    select id as model_id, {{ imputed_attributes() | join(', ') }}
    from {{ ref('models') }}
    where snapshot_date = {{ build_snapshot_date() }}
        and ({% for a in imputed_attributes() %}{{ a }} is null{% if not loop.last %} or {% endif %}{% endfor %})
)

select
    m.model_id,
    {%- for a in imputed_attributes() %}
    case when m.{{ a }} is null then coalesce(h_{{ a }}.value, g_{{ a }}.value) end as {{ a }}_imputed,
    case when m.{{ a }} is null then
        case when h_{{ a }}.value is not null then 'hub_majority' else 'global_majority' end
    end as {{ a }}_method,
    {%- endfor %}
    {{ build_snapshot_date() }} as snapshot_date
from models as m
{%- for a in imputed_attributes() %}
left join hub_vote as h_{{ a }} on h_{{ a }}.model_id = m.model_id and h_{{ a }}.attribute = '{{ a }}'
left join global_vote as g_{{ a }} on g_{{ a }}.attribute = '{{ a }}'
{%- endfor %}

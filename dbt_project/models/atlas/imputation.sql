-- How well a model's hub predicts its metadata, by leave-one-out: every model that has the attribute and at least
-- one labelled sibling is hidden in turn and predicted by its siblings' majority (hub vote) and by the most common
-- value overall (global baseline); accuracy is next to Model Atlas Table 1b ("Hub Avg." vs "Graph Avg."), for the
-- three imputed attributes and for model_type and relation_type (evaluated only).
with
{{ attribute_label_ctes() }},

hub_vote as (select model_id, attribute, value from {{ ref('int_hub_votes') }}),

paper(attribute, paper_hub_accuracy, paper_global_accuracy) as (
    values
        ('pipeline_tag', 0.79, 0.60), ('library_name', 0.84, 0.81), ('license', 0.85, 0.49),
        ('model_type', 0.81, 0.66), ('relation_type', 0.80, 0.61)
)

select
    l.attribute,
    count(*) as evaluated_models,
    round(avg((h.value = l.value)::int), 4) as hub_accuracy,
    round(avg((g.value = l.value)::int), 4) as global_accuracy,
    any_value(p.paper_hub_accuracy) as paper_hub_accuracy,
    any_value(p.paper_global_accuracy) as paper_global_accuracy,
    {{ build_snapshot_date() }} as snapshot_date
from labels as l
inner join hub_vote as h using (model_id, attribute)
inner join global_vote as g on g.attribute = l.attribute
left join paper as p on p.attribute = l.attribute
group by l.attribute

{#-
  HuggingBench settings, overridable per build with dbt vars (`--vars '{bench_seed: 7, rec_min_user_likes: 10}'`).
  The defaults live here, in one place; benchmark_stats records the values a snapshot was built with.
-#}
{% macro bench_var(name) -%}
    {%- set defaults = {
        'bench_seed': 42,
        'rec_min_user_likes': 5,
        'rec_min_item_likes': 5,
        'rec_valid_share': 0.1,
        'rec_test_share': 0.1,
        'cls_train_quantile': 0.69,
        'cls_valid_quantile': 0.82,
        'cls_max_paper_citers': 100,
        'trace_valid_share': 0.01,
        'trace_test_share': 0.01,
    } -%}
    {%- if name not in defaults -%}
        {{ exceptions.raise_compiler_error('unknown benchmark var ' ~ name) }}
    {%- endif -%}
    {{ return(var(name, defaults[name])) }}
{%- endmacro %}

{#- A uniform number in [0, 1) fixed by the seed and the given key parts: splits are reproducible per seed and do
    not depend on row order or threads. -#}
{% macro bench_unit_hash(parts) -%}
    (hash({{ bench_var('bench_seed') }}::bigint, {{ parts | join(', ') }}) % 1000000000)::double / 1e9
{%- endmacro %}

{#- The (node_id, tag, snapshot_date) rows of `tags` whose tag reveals a label of `tasks` (task_id, label,
    snapshot_date): a label prefix (`pipeline_tag:`, `task_categories:`, `task_ids:`) or any task id or label inside
    it, compared without case or punctuation (`text-generation-inference`, `Text_Classification` go). Each distinct
    tag is judged once (there are far fewer tags than node × tag rows), normalised once, and matched against the
    snapshot's few dozen tasks. -#}
{% macro label_revealing_tags(tags, tasks) -%}
    select g.node_id, g.tag, g.snapshot_date
    from {{ tags }} as g
    semi join (
        select v.snapshot_date, v.tag
        from (
            select snapshot_date, tag, regexp_replace(lower(tag), '[^a-z0-9]', '', 'g') as plain
            from (select distinct snapshot_date, tag from {{ tags }})
        ) as v
        inner join (
            select
                snapshot_date,
                regexp_replace(lower(task_id), '[^a-z0-9]', '', 'g') as plain_id,
                regexp_replace(lower(label), '[^a-z0-9]', '', 'g') as plain_label
            from {{ tasks }}
        ) as t
            on t.snapshot_date = v.snapshot_date and (contains(v.plain, t.plain_id) or contains(v.plain, t.plain_label))
        union all
        select distinct snapshot_date, tag from {{ tags }}
        where split_part(tag, ':', 1) in ('pipeline_tag', 'task_categories', 'task_ids')
    ) as r using (snapshot_date, tag)
{%- endmacro %}

{#-
  HuggingKG's 30 relations: name, head and tail node types, and the key columns of `<relation>.json`
  (head key, tail key). The relation marts, `kg_edges` and the exports all read this one list.
-#}
{% macro kg_relations() -%}
    {{ return([
        {'name': 'model_definedFor_task', 'head': 'model', 'tail': 'task', 'keys': ['model_id', 'task_id']},
        {'name': 'model_adapter_model', 'head': 'model', 'tail': 'model', 'keys': ['base_model_id', 'model_id']},
        {'name': 'model_finetune_model', 'head': 'model', 'tail': 'model', 'keys': ['base_model_id', 'model_id']},
        {'name': 'model_merge_model', 'head': 'model', 'tail': 'model', 'keys': ['base_model_id', 'model_id']},
        {'name': 'model_quantized_model', 'head': 'model', 'tail': 'model', 'keys': ['base_model_id', 'model_id']},
        {'name': 'model_trainedOrFineTunedOn_dataset', 'head': 'model', 'tail': 'dataset', 'keys': ['model_id', 'dataset_id']},
        {'name': 'model_cite_paper', 'head': 'model', 'tail': 'paper', 'keys': ['model_id', 'arxiv_id']},
        {'name': 'dataset_definedFor_task', 'head': 'dataset', 'tail': 'task', 'keys': ['dataset_id', 'task_id']},
        {'name': 'dataset_cite_paper', 'head': 'dataset', 'tail': 'paper', 'keys': ['dataset_id', 'arxiv_id']},
        {'name': 'space_use_model', 'head': 'space', 'tail': 'model', 'keys': ['space_id', 'model_id']},
        {'name': 'space_use_dataset', 'head': 'space', 'tail': 'dataset', 'keys': ['space_id', 'dataset_id']},
        {'name': 'collection_contain_model', 'head': 'collection', 'tail': 'model', 'keys': ['collection_slug', 'model_id']},
        {'name': 'collection_contain_dataset', 'head': 'collection', 'tail': 'dataset', 'keys': ['collection_slug', 'dataset_id']},
        {'name': 'collection_contain_space', 'head': 'collection', 'tail': 'space', 'keys': ['collection_slug', 'space_id']},
        {'name': 'collection_contain_paper', 'head': 'collection', 'tail': 'paper', 'keys': ['collection_slug', 'paper_id']},
        {'name': 'user_publish_model', 'head': 'user', 'tail': 'model', 'keys': ['user_id', 'model_id']},
        {'name': 'user_publish_dataset', 'head': 'user', 'tail': 'dataset', 'keys': ['user_id', 'dataset_id']},
        {'name': 'user_publish_space', 'head': 'user', 'tail': 'space', 'keys': ['user_id', 'space_id']},
        {'name': 'user_publish_paper', 'head': 'user', 'tail': 'paper', 'keys': ['user_id', 'paper_id']},
        {'name': 'user_own_collection', 'head': 'user', 'tail': 'collection', 'keys': ['user_id', 'collection_slug']},
        {'name': 'user_like_model', 'head': 'user', 'tail': 'model', 'keys': ['user_id', 'model_id']},
        {'name': 'user_like_dataset', 'head': 'user', 'tail': 'dataset', 'keys': ['user_id', 'dataset_id']},
        {'name': 'user_like_space', 'head': 'user', 'tail': 'space', 'keys': ['user_id', 'space_id']},
        {'name': 'user_follow_user', 'head': 'user', 'tail': 'user', 'keys': ['follower_id', 'followee_id']},
        {'name': 'user_follow_org', 'head': 'user', 'tail': 'organization', 'keys': ['user_id', 'org_id']},
        {'name': 'user_affiliatedWith_org', 'head': 'user', 'tail': 'organization', 'keys': ['user_id', 'org_id']},
        {'name': 'org_publish_model', 'head': 'organization', 'tail': 'model', 'keys': ['org_id', 'model_id']},
        {'name': 'org_publish_dataset', 'head': 'organization', 'tail': 'dataset', 'keys': ['org_id', 'dataset_id']},
        {'name': 'org_publish_space', 'head': 'organization', 'tail': 'space', 'keys': ['org_id', 'space_id']},
        {'name': 'org_own_collection', 'head': 'organization', 'tail': 'collection', 'keys': ['org_id', 'collection_slug']},
    ]) }}
{%- endmacro %}

{% macro kg_relation(name) -%}
    {%- for r in kg_relations() if r.name == name -%}{{ return(r) }}{%- endfor -%}
    {{ exceptions.raise_compiler_error('unknown HuggingKG relation ' ~ name) }}
{%- endmacro %}

{#- One relation mart: the edges of `name` whose endpoints both exist, under HuggingKG's key names. -#}
{% macro relation_mart(name, extra_columns=[]) -%}
    {%- set r = kg_relation(name) -%}
    select
        head_id as {{ r['keys'][0] }},
        tail_id as {{ r['keys'][1] }},
        {%- for c in extra_columns %}
        {{ c }},
        {%- endfor %}
        snapshot_date
    from {{ ref('int_edges') }}
    where relation = '{{ name }}' and dangling_reason is null
{%- endmacro %}

{#- A like mart: the user → repo likes of `repo_type` (from likers lists) with the time of each like where the
    user's likes list gives it. -#}
{% macro like_mart(repo_type) -%}
    with likes as ({{ relation_mart('user_like_' ~ repo_type) }})

    select l.user_id, l.{{ repo_type }}_id, t.liked_at, l.snapshot_date
    from likes as l
    left join {{ ref('stg_user_likes') }} as t
        on t.user_name = l.user_id and t.repo_type = '{{ repo_type }}' and t.repo_id = l.{{ repo_type }}_id
{%- endmacro %}

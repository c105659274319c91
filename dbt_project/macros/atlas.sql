{#-
  Model Atlas helpers. `modality` maps a Hub task to the four modalities the atlas compares (NLP, vision,
  audio, VLM; `other` for the rest), as the paper's hand map of root models does, but from `pipeline_tag` so it
  covers every model.
-#}
{% macro modality(pipeline_tag) -%}
    case
        when {{ pipeline_tag }} in (
            'image-text-to-text', 'visual-question-answering', 'document-question-answering', 'image-to-text',
            'video-text-to-text', 'any-to-any', 'visual-document-retrieval'
        ) then 'vlm'
        when {{ pipeline_tag }} in (
            'automatic-speech-recognition', 'audio-classification', 'text-to-speech', 'text-to-audio',
            'audio-to-audio', 'voice-activity-detection', 'audio-text-to-text'
        ) then 'audio'
        when {{ pipeline_tag }} in (
            'text-to-image', 'image-to-image', 'image-classification', 'object-detection', 'image-segmentation',
            'zero-shot-image-classification', 'zero-shot-object-detection', 'depth-estimation', 'unconditional-image-generation',
            'image-feature-extraction', 'mask-generation', 'text-to-video', 'image-to-video', 'video-classification',
            'keypoint-detection', 'image-to-3d', 'text-to-3d'
        ) then 'vision'
        when {{ pipeline_tag }} in (
            'text-generation', 'text2text-generation', 'fill-mask', 'text-classification', 'token-classification',
            'question-answering', 'summarization', 'translation', 'sentence-similarity', 'feature-extraction',
            'zero-shot-classification', 'table-question-answering', 'text-ranking'
        ) then 'nlp'
        when {{ pipeline_tag }} is not null then 'other'
    end
{%- endmacro %}

{#-
  Name suffixes uploaders append to a parent's name, with the relation they signal (`<base>-GGUF`, `-AWQ`,
  `-4bit`, `-lora`, `-finetuned`, `-slerp`, ...). Matched case-insensitively at the end of the repo name, after an
  optional `-<n>` that makes a taken name unique.
-#}
{% macro derivation_suffixes() -%}
    {{ return([
        {'relation': 'quantized', 'pattern': 'gguf|ggml|awq|gptq(-int[48])?|exl2|bnb-[48]bit|mlx(-[48]bit)?|[248]bit|int[48]|fp8|q[2-8]_k(_[msl])?'},
        {'relation': 'adapter', 'pattern': 'lora(-r[0-9]+)?|qlora|adapters?|peft'},
        {'relation': 'merge', 'pattern': 'slerp|ties|dare-ties|dare|merged?|passthrough|moe'},
        {'relation': 'finetune', 'pattern': 'finetuned|fine-tuned|ft(-[a-z]{2})?|sft|dpo|orpo|instruct|chat|it|v[0-9]+(\\.[0-9]+)?|uncensored'},
    ]) }}
{%- endmacro %}

{#- The attributes imputed from a model's hub (its siblings under a shared parent), as in Model Atlas Table 1b. -#}
{% macro imputed_attributes() -%}
    {{ return(['pipeline_tag', 'library_name', 'license']) }}
{%- endmacro %}

{#-
  Attributes whose hub vote is evaluated (Table 1b) but not written into `model_imputed`: `model_type` (the
  architecture family: the config's `model_type`, else the GGUF architecture) and `relation_type` (the relation
  to the parent, for models that have one).
-#}
{% macro evaluated_only_attributes() -%}
    {{ return(['model_type', 'relation_type']) }}
{%- endmacro %}

{#-
  The labels imputation votes with, as CTEs: `labels` (every model's documented value of each imputed or
  evaluated attribute), `frequency` (models per value) and `global_vote` (the most common value overall).
-#}
{% macro attribute_label_ctes() -%}
labels as (
    {%- for attribute in imputed_attributes() %}
    select id as model_id, '{{ attribute }}' as attribute, {{ attribute }} as value
    from {{ ref('models') }}
    where snapshot_date = {{ build_snapshot_date() }} and {{ attribute }} is not null
    union all
    {%- endfor %}
    select model_id, 'model_type', coalesce(config ->> '$.model_type', gguf ->> '$.architecture')
    from {{ ref('stg_models') }}
    where snapshot_date = {{ build_snapshot_date() }}
        and coalesce(config ->> '$.model_type', gguf ->> '$.architecture') is not null
    union all
    select model_id, 'relation_type', relation_type
    from {{ ref('atlas_nodes') }}
    where snapshot_date = {{ build_snapshot_date() }} and not is_placeholder and relation_type <> 'root'
),

frequency as (
    select attribute, value, count(*) as models from labels group by all
),

global_vote as (
    select attribute, arg_max(value, (models, value)) as value from frequency group by attribute
)
{%- endmacro %}

{#- Confidence at or above which `inferred_lineage` proposals are published (see `lineage_inference_eval`). -#}
{% macro inferred_lineage_cutoff() -%} 0.7 {%- endmacro %}


{#- Typed reads of a raw body's top-level fields, parsed once per row into `j` by `snapshot_rows` /
    `entity_rows` (their `fields` argument lists what a model reads: parsing the body once instead of once per
    field makes staging 3× faster at HuggingKG size; a field missing from the list fails the build). A field of the
    wrong JSON type reads as null rather than failing the build; the GE gates and dbt tests then catch what matters
    (schema drift stays visible, never fatal). -#}
{% macro parsed_body(fields, body='body') -%}
    {%- set schema = {} -%}
    {%- for field in fields %}{% do schema.update({field: 'JSON'}) %}{% endfor -%}
    from_json({{ body }}, '{{ tojson(schema) }}')
{%- endmacro %}

{#- A listing body's `fields` from its two stored parts (crawler/store.py), `stored` (the body with its counters
    zeroed) and `counters` (their values; null: none), each parsed once by `parsed_body`: a counter's value comes
    from `counters`, every other field from the body, as in the body the Hub sent. -#}
{% macro merged_body(fields, stored, counters) -%}
    { {%- for field in fields %}'{{ field }}': coalesce({{ counters }}."{{ field }}", {{ stored }}."{{ field }}")
    {{- ", " if not loop.last }}{% endfor -%} }
{%- endmacro %}
{% macro json_text(field) -%} (j."{{ field }}" ->> '$') {%- endmacro %}
{% macro json_bigint(field) -%} try_cast(j."{{ field }}" ->> '$' as bigint) {%- endmacro %}
{% macro json_double(field) -%} try_cast(j."{{ field }}" ->> '$' as double) {%- endmacro %}
{% macro json_bool(field) -%} try_cast(j."{{ field }}" ->> '$' as boolean) {%- endmacro %}
{% macro json_ts(field) -%} try_cast(j."{{ field }}" ->> '$' as timestamptz) {%- endmacro %}
{% macro json_strings(field) -%} from_json(j."{{ field }}", '["VARCHAR"]') {%- endmacro %}
{% macro json_value(field) -%} j."{{ field }}" {%- endmacro %}

{#- `createdAt` as a real time: null where the Hub reports its placeholder for repos created before it recorded
    creation dates (2022-03-02T23:29:04/05Z), which is even later than some of those repos' last commits. -#}
{% macro json_created_at() -%}
    case when {{ json_ts('createdAt') }} >= timestamptz '2022-03-02 23:29:04+00'
          and {{ json_ts('createdAt') }} < timestamptz '2022-03-02 23:29:06+00' then null
         else {{ json_ts('createdAt') }} end
{%- endmacro %}

{#- Untrusted free text made inert before it is republished (card prose, collection titles and descriptions,
    account names and bios, paper titles and abstracts): the same rules as `release/sanitize.py`, keeping line
    breaks and web links, which are prose. Terminal escape sequences are removed whole (no `[31m` residue), then
    control, bidi-override and isolate characters; template delimiters; loader URLs (`hf://`, `reference://`,
    `file://`, `s3://`, `gs://`). Most text holds none of them: one match of what any rule would act on (an escape
    is a control character) spares it the four rewrites and their copies (PERFORMANCE.md, session 21). -#}
{% macro inert_text(expr) -%}
    {%- set controls -%}{% raw %}[\x00-\x08\x0b-\x1f\x7f-\x{9f}\x{202a}-\x{202e}\x{2066}-\x{2069}]{% endraw %}{%- endset -%}
    {%- set delimiters -%}{% raw %}\{\{|\}\}|\{%|%\}|\{#|#\}{% endraw %}{%- endset -%}
    {%- set loader_urls -%}{% raw %}\b(hf|reference|file|s3|gs)://{% endraw %}{%- endset -%}
    case when not regexp_matches({{ expr }}, '{{ controls }}|{{ delimiters }}|(?i:{{ loader_urls }})') then {{ expr }}
    else regexp_replace(
        regexp_replace(
            regexp_replace(
                regexp_replace({{ expr }}, '\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-~]', '', 'g'),
                '{{ controls }}', ' ', 'g'
            ),
            '{{ delimiters }}', '', 'g'
        ),
        '(?i){{ loader_urls }}\S*', '[link removed]', 'g'
    ) end
{%- endmacro %}

{#- A card's prose: the README without its YAML front matter (`---` … `---`), which is removed, never parsed. A
    front matter left open (the README was cut inside it) leaves no prose rather than leaking YAML as text: the
    pattern's second branch takes the rest of the text when no closing line follows, so one rewrite does both (no
    text: ''). -#}
{% macro strip_front_matter(expr) -%}
    case
        when not regexp_matches({{ expr }}, '^\s*---[ \t]*\n') then {{ expr }}
        else coalesce(trim(regexp_replace({{ expr }}, '^\s*---[ \t]*\n(?:(?s:.*?)\n---[ \t]*(?:\n|$)|(?s:.*))', '')), '')
    end
{%- endmacro %}

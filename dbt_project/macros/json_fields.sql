{#- Typed reads of the raw JSON body. A field of the wrong JSON type reads as null rather than failing the
    build; the GE gates and dbt tests then catch what matters (schema drift stays visible, never fatal). -#}
{% macro json_text(field) -%} (body ->> '$."{{ field }}"') {%- endmacro %}
{% macro json_bigint(field) -%} try_cast(body ->> '$."{{ field }}"' as bigint) {%- endmacro %}
{% macro json_double(field) -%} try_cast(body ->> '$."{{ field }}"' as double) {%- endmacro %}
{% macro json_bool(field) -%} try_cast(body ->> '$."{{ field }}"' as boolean) {%- endmacro %}
{% macro json_ts(field) -%} try_cast(body ->> '$."{{ field }}"' as timestamptz) {%- endmacro %}
{% macro json_strings(field) -%} from_json(body -> '$."{{ field }}"', '["VARCHAR"]') {%- endmacro %}
{% macro json_value(field) -%} (body -> '$."{{ field }}"') {%- endmacro %}

{#- `createdAt` as a real time: null where the Hub reports its placeholder for repos created before it recorded
    creation dates (2022-03-02T23:29:04/05Z), which is even later than some of those repos' last commits. -#}
{% macro json_created_at() -%}
    case when {{ json_ts('createdAt') }} >= timestamptz '2022-03-02 23:29:04+00'
          and {{ json_ts('createdAt') }} < timestamptz '2022-03-02 23:29:06+00' then null
         else {{ json_ts('createdAt') }} end
{%- endmacro %}

{#- Typed reads of the raw JSON body. A field of the wrong JSON type reads as null rather than failing the
    build; the GE gates and dbt tests then catch what matters (schema drift stays visible, never fatal). -#}
{% macro json_text(field) -%} (body ->> '$."{{ field }}"') {%- endmacro %}
{% macro json_bigint(field) -%} try_cast(body ->> '$."{{ field }}"' as bigint) {%- endmacro %}
{% macro json_double(field) -%} try_cast(body ->> '$."{{ field }}"' as double) {%- endmacro %}
{% macro json_bool(field) -%} try_cast(body ->> '$."{{ field }}"' as boolean) {%- endmacro %}
{% macro json_ts(field) -%} try_cast(body ->> '$."{{ field }}"' as timestamptz) {%- endmacro %}
{% macro json_strings(field) -%} from_json(body -> '$."{{ field }}"', '["VARCHAR"]') {%- endmacro %}
{% macro json_value(field) -%} (body -> '$."{{ field }}"') {%- endmacro %}

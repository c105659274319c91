{#- Layers are schemas named exactly as configured (`staging`, `kg`), not `<target>_<layer>`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {{ custom_schema_name if custom_schema_name else target.schema }}
{%- endmacro %}

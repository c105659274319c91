{#- Values of the `<prefix>:<value>` tags in a tag list, e.g. tag_values('tags', 'license') → ['mit']. -#}
{% macro tag_values(tags, prefix) -%}
    list_transform(
        list_filter({{ tags }}, lambda t: starts_with(t, '{{ prefix }}:')),
        lambda t: substr(t, {{ prefix | length + 2 }})
    )
{%- endmacro %}

-- HuggingKG `space_use_model`.
{{ relation_mart('space_use_model') }}

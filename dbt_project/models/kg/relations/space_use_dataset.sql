-- HuggingKG `space_use_dataset`.
{{ relation_mart('space_use_dataset') }}

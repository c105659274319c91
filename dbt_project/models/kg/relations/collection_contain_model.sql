-- HuggingKG `collection_contain_model`.
{{ relation_mart('collection_contain_model') }}

-- HuggingKG `collection_contain_space`.
{{ relation_mart('collection_contain_space') }}

-- HuggingKG `collection_contain_dataset`.
{{ relation_mart('collection_contain_dataset') }}

-- HuggingKG `collection_contain_paper`.
{{ relation_mart('collection_contain_paper') }}

-- HuggingKG `dataset_cite_paper`.
{{ relation_mart('dataset_cite_paper') }}

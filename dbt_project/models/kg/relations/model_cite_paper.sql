-- HuggingKG `model_cite_paper`.
{{ relation_mart('model_cite_paper') }}

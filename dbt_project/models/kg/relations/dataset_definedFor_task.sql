-- HuggingKG `dataset_definedFor_task`.
{{ relation_mart('dataset_definedFor_task') }}

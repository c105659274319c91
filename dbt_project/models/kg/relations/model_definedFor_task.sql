-- HuggingKG `model_definedFor_task`.
{{ relation_mart('model_definedFor_task') }}

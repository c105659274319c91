-- HuggingKG `model_trainedOrFineTunedOn_dataset`.
{{ relation_mart('model_trainedOrFineTunedOn_dataset') }}

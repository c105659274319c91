-- HuggingKG `user_publish_dataset`.
{{ relation_mart('user_publish_dataset') }}

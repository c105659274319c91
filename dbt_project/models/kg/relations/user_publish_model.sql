-- HuggingKG `user_publish_model`.
{{ relation_mart('user_publish_model') }}

-- HuggingKG `user_publish_space`.
{{ relation_mart('user_publish_space') }}

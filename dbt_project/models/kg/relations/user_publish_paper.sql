-- HuggingKG `user_publish_paper`.
{{ relation_mart('user_publish_paper') }}

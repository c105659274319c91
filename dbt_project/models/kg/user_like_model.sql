-- HuggingKG `user_like_model`.
{{ relation_mart('user_like_model') }}

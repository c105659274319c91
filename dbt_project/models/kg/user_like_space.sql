-- HuggingKG `user_like_space`.
{{ relation_mart('user_like_space') }}

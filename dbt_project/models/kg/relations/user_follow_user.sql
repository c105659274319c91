-- HuggingKG `user_follow_user`.
{{ relation_mart('user_follow_user') }}

-- HuggingKG `user_like_dataset`.
{{ relation_mart('user_like_dataset') }}

-- HuggingKG `user_like_dataset`, with the time of each like.
{{ like_mart('dataset') }}

-- HuggingKG `user_like_space`, with the time of each like.
{{ like_mart('space') }}

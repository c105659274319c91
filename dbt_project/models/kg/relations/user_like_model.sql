-- HuggingKG `user_like_model`, with the time of each like.
{{ like_mart('model') }}

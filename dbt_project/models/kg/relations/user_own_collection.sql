-- HuggingKG `user_own_collection`.
{{ relation_mart('user_own_collection') }}

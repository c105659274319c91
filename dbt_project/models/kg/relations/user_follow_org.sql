-- HuggingKG `user_follow_org`.
{{ relation_mart('user_follow_org') }}

-- HuggingKG `user_affiliatedWith_org`.
{{ relation_mart('user_affiliatedWith_org') }}

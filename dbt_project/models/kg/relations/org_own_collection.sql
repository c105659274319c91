-- HuggingKG `org_own_collection`.
{{ relation_mart('org_own_collection') }}

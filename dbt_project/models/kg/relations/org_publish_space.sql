-- HuggingKG `org_publish_space`.
{{ relation_mart('org_publish_space') }}

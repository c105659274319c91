-- HuggingKG `org_publish_dataset`.
{{ relation_mart('org_publish_dataset') }}

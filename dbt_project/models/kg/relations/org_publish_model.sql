-- HuggingKG `org_publish_model`.
{{ relation_mart('org_publish_model') }}

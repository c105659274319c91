-- HuggingKG `model_merge_model`: base model → derived model, with the form(s) that state it.
{{ relation_mart('model_merge_model', ['lineage_source', 'lineage_sources']) }}

-- HuggingKG `model_quantized_model`: base model → derived model, with the form(s) that state it.
{{ relation_mart('model_quantized_model', ['lineage_source', 'lineage_sources']) }}

-- HuggingKG `model_quantized_model`: base model → derived model, with the form(s) that state it and what
-- decided its relation (`relation_source`).
{{ relation_mart('model_quantized_model', ['lineage_source', 'lineage_sources', 'relation_source']) }}

"""The crawler: paging, pacing and retries over the real `huggingface_hub` HTTP session."""

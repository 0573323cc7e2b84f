"""Feed retrieval (fetch), parsing (parse) and canonical article URLs (links)."""

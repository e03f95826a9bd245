"""WeasyPrint rendering of official documents: one module per document kind, one restricted fetcher."""

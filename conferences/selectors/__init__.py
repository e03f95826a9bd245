"""Reads: querysets with the joins and prefetches their callers need, so no page runs N+1 queries."""

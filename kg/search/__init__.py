"""Search over a build: query understanding, facets, and dense + BM25 ranking fused (search.py)."""

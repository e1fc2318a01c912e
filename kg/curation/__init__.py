"""Curation of a list: duplicates, defects, gaps, the corrected copy, lint, link checking and suggestions."""

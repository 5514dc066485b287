"""Comparison tables: criteria x cases, each cell with citations (being written)."""

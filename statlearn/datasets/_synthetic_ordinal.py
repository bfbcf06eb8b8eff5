"""Synthetic data generators of the ordinal papers (owned by statlearn.ordinal)."""

__all__ = []

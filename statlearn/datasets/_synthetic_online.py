"""Synthetic data generators of the online papers (owned by statlearn.online)."""

__all__ = []

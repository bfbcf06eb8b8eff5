"""Synthetic data generators of the adaptive papers (owned by statlearn.adaptive)."""

__all__ = []

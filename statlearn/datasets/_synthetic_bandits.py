"""Synthetic data generators of the bandits papers (owned by statlearn.bandits)."""

__all__ = []

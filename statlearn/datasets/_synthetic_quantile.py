"""Synthetic data generators of the quantile papers (owned by statlearn.quantile)."""

__all__ = []

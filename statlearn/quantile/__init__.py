"""statlearn.quantile (under construction)."""

__all__ = []

"""statlearn.ordinal (under construction)."""

__all__ = []

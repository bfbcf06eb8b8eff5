"""statlearn.adaptive (under construction)."""

__all__ = []

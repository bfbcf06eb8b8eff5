"""statlearn.bandits (under construction)."""

__all__ = []

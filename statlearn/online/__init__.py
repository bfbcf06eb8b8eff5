"""statlearn.online (under construction)."""

__all__ = []

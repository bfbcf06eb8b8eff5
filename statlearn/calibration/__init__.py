"""statlearn.calibration (under construction)."""

__all__ = []

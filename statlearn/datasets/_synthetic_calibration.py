"""Synthetic data generators of the calibration papers (owned by statlearn.calibration)."""

__all__ = []

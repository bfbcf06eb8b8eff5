"""Per-area estimator instances for the common tests.

Each area owns one module here (``quantile.py``, ``calibration.py``, ...) that
may define

- ``INSTANCES``: ``{ClassName: [estimator, ...]}`` for estimators that cannot be
  built with no arguments, or that should be checked in several configurations;
- ``EXPECTED_FAILED``: ``{ClassName: {check_name: reason}}``, scikit-learn
  checks that are known not to apply, each with its reason. Keep it empty
  unless a check truly does not apply.

Estimators not listed in ``INSTANCES`` are built with their defaults.
"""

import importlib

from statlearn._discovery import AREAS


def load():
    """Merge the per-area ``INSTANCES`` and ``EXPECTED_FAILED`` dictionaries."""
    instances, expected = {}, {}
    for area in AREAS:
        try:
            mod = importlib.import_module(f"tests.common_instances.{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"tests.common_instances.{area}":
                raise
            continue
        instances.update(getattr(mod, "INSTANCES", {}))
        expected.update(getattr(mod, "EXPECTED_FAILED", {}))
    return instances, expected

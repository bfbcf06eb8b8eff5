"""statlearn: modern statistical learning methods, scikit-learn compatible.

Subpackages are imported lazily, so ``import statlearn`` stays cheap:

- :mod:`statlearn.quantile` -- quantile aggregation, non-crossing repair, conformal calibration
- :mod:`statlearn.calibration` -- calibration metrics, multicalibration, reliability plots
- :mod:`statlearn.ordinal` -- PRESTO ordinal regression for rare events
- :mod:`statlearn.online` -- groupwise-regret online learning
- :mod:`statlearn.bandits` -- weighted tallying bandits and a fast simulator
- :mod:`statlearn.adaptive` -- the reusable holdout and multiple-expectation Monte Carlo
- :mod:`statlearn.datasets` -- real data loaders and the papers' synthetic generators
"""

import importlib

__version__ = "0.1.0.dev0"

_SUBMODULES = (
    "adaptive",
    "bandits",
    "calibration",
    "datasets",
    "online",
    "ordinal",
    "quantile",
)

__all__ = ["__version__", *_SUBMODULES]


def __getattr__(name):
    if name in _SUBMODULES:
        return importlib.import_module(f"statlearn.{name}")
    raise AttributeError(f"module 'statlearn' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)

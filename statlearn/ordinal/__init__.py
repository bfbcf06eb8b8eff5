"""Ordinal regression for rare top classes: PRESTO and proportional odds.

:class:`PrestoClassifier` fits a cumulative-logit model with one weight vector
per decision boundary and an L1 penalty on the differences of adjacent
boundaries (Faletto & Bien, ICML 2023); :func:`presto_path` computes it over a
grid of penalties; :class:`PrestoCV` chooses its penalty by cross-validation;
:class:`ProportionalOddsClassifier` is the unpenalized parallel model, PRESTO's
limit, with standard errors, a Wald table and a likelihood-ratio test of
proportional odds; :class:`PathDisplay` plots the path and its CV curve.
"""

from .cv import PrestoCV
from .plotting import PathDisplay
from .presto import PrestoClassifier, presto_path
from .proportional_odds import ProportionalOddsClassifier

__all__ = ["PathDisplay", "PrestoCV", "PrestoClassifier", "ProportionalOddsClassifier", "presto_path"]

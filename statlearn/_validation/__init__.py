"""Input validation shared by every statlearn module.

Every check raises ``ValueError`` or ``TypeError`` whose message names the
argument in backticks, says what was expected and shows what was received::

    `quantiles` must be strictly increasing in (0, 1); got [0.5, 0.1].

Estimators validate ``X``/``y`` with scikit-learn's public
:func:`sklearn.utils.validation.validate_data`; the checks here cover what
scikit-learn does not know about:

- arrays (``_arrays``): finite numbers, lengths, weights, quantile levels and
  matrices, confidence levels, probabilities;
- targets (``_targets``): binary with ``pos_label``, multiclass with
  ``labels=``, ordinal with an explicit order;
- groups (``_groups``): :func:`check_groups` (stateless) and
  :class:`GroupsEncoder` (fit / transform, matched by column name);
- parameters (``_params``): :class:`Interval`, :class:`Options`,
  :func:`validate_params`, :func:`check_scalar` and the :func:`validate_args`
  decorator for public functions;
- cross-validation (``_cv``): :func:`check_cv_partition`;
- estimator input (``_sklearn``): :func:`validate_data`, scikit-learn's own with the
  offending argument named in every error message (use it instead of
  ``sklearn.utils.validation.validate_data``).

``from statlearn._validation import X`` is the only supported import path.
"""

from ._arrays import (
    _describe_bad,
    _show,
    check_confidence_level,
    check_consistent_length,
    check_finite_array,
    check_probabilities,
    check_quantile_matrix,
    check_quantiles,
    check_sample_weight,
)
from ._cv import check_cv_partition
from ._groups import GroupsEncoder, check_groups
from ._params import Interval, Options, check_scalar, validate_args, validate_params
from ._sklearn import validate_data
from ._targets import _as_1d_labels, check_binary_target, check_multiclass_target, check_ordinal_target

__all__ = [
    "GroupsEncoder",
    "Interval",
    "Options",
    "check_binary_target",
    "check_confidence_level",
    "check_consistent_length",
    "check_cv_partition",
    "check_finite_array",
    "check_groups",
    "check_multiclass_target",
    "check_ordinal_target",
    "check_probabilities",
    "check_quantile_matrix",
    "check_quantiles",
    "check_sample_weight",
    "check_scalar",
    "validate_args",
    "validate_data",
    "validate_params",
]

_PRIVATE = (_as_1d_labels, _describe_bad, _show)  # re-exported for backward compatibility

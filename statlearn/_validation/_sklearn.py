"""scikit-learn's ``validate_data`` with the offending argument named in every error.

scikit-learn's own messages often name no argument ("Expected 2D array, got 1D array
instead", "Found array with dim 3", "could not convert string to float"). The wrapper keeps
scikit-learn's text (so its estimator checks, which search the message, still match) and puts
the argument in front: ``"`X`: Expected 2D array, got 1D array instead ..."``.
"""

from __future__ import annotations

import inspect

from sklearn.utils import check_array
from sklearn.utils.validation import validate_data as _sklearn_validate_data

_NO = "no_validation"
_CHECK_ARRAY_PARAMS = frozenset(inspect.signature(check_array).parameters) - {"array", "estimator"}


def validate_data(estimator, X=_NO, y=_NO, reset=True, validate_separately=False, skip_check_array=False,
                  **check_params):
    """Call :func:`sklearn.utils.validation.validate_data`, naming the argument on error.

    Parameters
    ----------
    estimator : estimator instance
        The estimator validating its input (sets or checks ``n_features_in_``).
    X : array-like, default="no_validation"
        The features.
    y : array-like, default="no_validation"
        The target.
    reset : bool, default=True
        Whether to reset ``n_features_in_`` (``fit``) or check it (``predict``).
    validate_separately : False or tuple of dict, default=False
        As in scikit-learn.
    skip_check_array : bool, default=False
        As in scikit-learn.
    **check_params : dict
        Passed to scikit-learn (``dtype``, ``ensure_all_finite``, ``y_numeric``, ...).

    Returns
    -------
    out : ndarray or tuple of ndarray
        What scikit-learn returns.

    Raises
    ------
    ValueError, TypeError
        scikit-learn's error, its message prefixed with the argument in backticks.
    """
    try:
        return _sklearn_validate_data(estimator, X=X, y=y, reset=reset, validate_separately=validate_separately,
                                      skip_check_array=skip_check_array, **check_params)
    except (ValueError, TypeError) as exc:
        if type(exc) not in (ValueError, TypeError) or str(exc).startswith("`"):
            raise  # a subclass (NotFittedError, ...) or an already named message
        label = _culprit(X, y, str(exc), skip_check_array, check_params)
        raise type(exc)(f"{label}: {exc}") from exc


def _culprit(X, y, message, skip_check_array, check_params) -> str:
    """Which argument made scikit-learn's validation fail (only run on the error path)."""
    has_x = not (isinstance(X, str) and X == _NO)
    has_y = y is not None and not (isinstance(y, str) and y == _NO)
    if "requires y to be passed" in message:
        return "`y`"
    if not has_y:
        return "`X`" if has_x else "`y`"
    if not has_x:
        return "`y`"
    if "inconsistent numbers of samples" in message:
        return "`X` and `y`"
    if skip_check_array:
        return "`X` or `y`"
    params = {k: v for k, v in check_params.items() if k in _CHECK_ARRAY_PARAMS}
    try:
        check_array(X, **params)
    except (ValueError, TypeError):
        return "`X`"
    return "`y`"

"""Temporary stand-ins for contract-layer names not yet on main (deleted once they land)."""

import numpy as np
from sklearn.model_selection import check_cv

try:  # pragma: no cover - the contract layer provides it
    from statlearn._validation import check_cv_partition
except ImportError:  # pragma: no cover - until the contract layer lands

    def check_cv_partition(cv, X, y=None, groups=None, *, name="cv"):
        """Materialise the splits; ValueError naming `name` unless the test folds partition the rows."""
        n = X.shape[0]
        splits = [(np.asarray(tr), np.asarray(te)) for tr, te in check_cv(cv).split(X, y, groups)]
        counts = np.zeros(n, dtype=np.int64)
        for _, te in splits:
            np.add.at(counts, te, 1)
        if not (counts == 1).all():
            missing, repeated = int((counts == 0).sum()), int((counts > 1).sum())
            raise ValueError(
                f"`{name}` must put every row in exactly one test fold (out-of-fold predictions need one per "
                f"row); got {missing} rows in no test fold and {repeated} in several. Use KFold, GroupKFold "
                f"or another partitioning splitter."
            )
        return splits

__all__ = ["check_cv_partition", "validate_params_with_cv"]


def validate_params_with_cv(params, constraints, owner):
    """``validate_params`` with the contract's ``"cv_object"`` checked here until it lands."""
    import numbers

    from statlearn._validation import validate_params

    params, constraints = dict(params), dict(constraints)
    cv = params.pop("cv")
    constraints.pop("cv")
    validate_params(params, constraints, owner=owner)
    if isinstance(cv, numbers.Integral) and not isinstance(cv, bool):
        if cv < 2:
            raise ValueError(f"{owner}: `cv` must be an int >= 2 or a splitter; got {cv!r}.")
    elif isinstance(cv, str) or not (cv is None or hasattr(cv, "split") or hasattr(cv, "__iter__")):
        raise TypeError(f"{owner}: `cv` must be an int >= 2, a splitter or an iterable of (train, test) "
                        f"pairs; got {cv!r}.")

"""numpydoc validation of every public quantile name (doctests: `make pytest` runs --doctest-modules statlearn)."""

import pytest
from numpydoc.validate import validate

import statlearn.quantile as quantile

# checks that do not fit this code base's style (summary wording, See Also everywhere, ...)
IGNORED = {"GL08", "SA01", "ES01", "RT02", "SS05", "GL02", "SS03", "PR09", "RT01", "SS06", "GL01", "YD01"}


def _names():
    out = []
    for name in quantile.__all__:
        obj = getattr(quantile, name)
        out.append(f"statlearn.quantile.{name}")
        if isinstance(obj, type):
            out += [f"statlearn.quantile.{name}.{m}" for m in
                    ("fit", "predict", "predict_quantiles", "predict_interval", "predict_base_quantiles")
                    if m in obj.__dict__]
    return out


@pytest.mark.parametrize("name", _names())
def test_numpydoc(name):
    is_method = name.count(".") == 3  # methods are shown by their class's example
    errors = [e for e in validate(name)["errors"] if e[0] not in IGNORED and not (is_method and e[0] == "EX01")]
    assert not errors, errors

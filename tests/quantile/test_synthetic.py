import numpy as np
import pytest

from statlearn.datasets import make_heteroscedastic_quantile


def test_true_quantiles_are_calibrated():
    q = [0.05, 0.5, 0.95]
    X, y, Q = make_heteroscedastic_quantile(20000, quantiles=q, random_state=0)
    assert X.shape == (20000, 10) and Q.shape == (20000, 3)
    np.testing.assert_allclose((y[:, None] <= Q).mean(axis=0), q, atol=0.01)
    # heteroscedastic: the 90% width grows with x0 * x1
    width = Q[:, 2] - Q[:, 0]
    assert np.corrcoef(width, X[:, 0] * X[:, 1])[0, 1] > 0.99
    a, b = make_heteroscedastic_quantile(50, random_state=3), make_heteroscedastic_quantile(50, random_state=3)
    np.testing.assert_array_equal(a[1], b[1])


def test_bad_arguments():
    with pytest.raises(ValueError, match="n_features"):
        make_heteroscedastic_quantile(10, n_features=3)
    with pytest.raises(ValueError, match="quantiles"):
        make_heteroscedastic_quantile(10, quantiles=[0.5, 0.2])

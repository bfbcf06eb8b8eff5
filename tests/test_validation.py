"""Every shared validator: accepts good input, rejects bad input with a message that names it."""

import numpy as np
import pandas as pd
import pytest

from statlearn._validation import (
    Interval,
    Options,
    check_binary_target,
    check_confidence_level,
    check_consistent_length,
    check_finite_array,
    check_groups,
    check_ordinal_target,
    check_probabilities,
    check_quantile_matrix,
    check_quantiles,
    check_sample_weight,
    check_scalar,
    validate_params,
)


class TestFiniteArray:
    def test_good(self):
        out = check_finite_array([[1, 2], [3, 4]], name="X", ndim=2)
        assert out.dtype == np.float64 and out.flags.c_contiguous and out.shape == (2, 2)

    @pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
    def test_non_finite(self, bad):
        with pytest.raises(ValueError, match=r"`X` must not contain NaN or inf.*index 1"):
            check_finite_array([0.0, bad, 1.0], name="X")

    def test_allow_nan_still_rejects_inf(self):
        assert np.isnan(check_finite_array([np.nan, 1.0], name="X", allow_nan=True)[0])
        with pytest.raises(ValueError, match="`X` must not contain inf"):
            check_finite_array([np.inf], name="X", allow_nan=True)

    def test_ndim(self):
        with pytest.raises(ValueError, match=r"`X` must be 2-D; got a 1-D array of shape \(3,\)"):
            check_finite_array([1, 2, 3], name="X", ndim=2)

    @pytest.mark.parametrize("bad", [None, "abc", [["a", "b"]], [1 + 2j]])
    def test_type(self, bad):
        with pytest.raises(TypeError, match="`X`"):
            check_finite_array(bad, name="X")

    def test_min_samples(self):
        with pytest.raises(ValueError, match="at least 1 sample"):
            check_finite_array(np.empty((0, 2)), name="X")


class TestQuantiles:
    def test_good(self):
        np.testing.assert_array_equal(check_quantiles([0.1, 0.5, 0.9]), [0.1, 0.5, 0.9])
        assert check_quantiles(0.5).shape == (1,)

    @pytest.mark.parametrize("q", [[0.0, 0.5], [0.5, 1.0], [-0.1], [1.5]])
    def test_out_of_range(self, q):
        with pytest.raises(ValueError, match=r"`quantiles` must lie strictly inside \(0, 1\)"):
            check_quantiles(q)

    @pytest.mark.parametrize("q", [[0.5, 0.1], [0.1, 0.1, 0.9]])
    def test_unsorted(self, q):
        with pytest.raises(ValueError, match="strictly increasing.*got \\[0.5, 0.1\\]|strictly increasing"):
            check_quantiles(q)

    def test_message_shows_values(self):
        with pytest.raises(ValueError, match=r"got \[0.5, 0.1\]\.$"):
            check_quantiles([0.5, 0.1])

    def test_nan(self):
        with pytest.raises(ValueError, match="NaN"):
            check_quantiles([0.1, np.nan])

    def test_matrix(self):
        Q = check_quantile_matrix(np.zeros((5, 3)), n_quantiles=3, n_samples=5)
        assert Q.shape == (5, 3)
        assert check_quantile_matrix(np.zeros(4)).shape == (4, 1)
        with pytest.raises(ValueError, match=r"one column per quantile level \(2\); got shape \(5, 3\)"):
            check_quantile_matrix(np.zeros((5, 3)), n_quantiles=2)
        with pytest.raises(ValueError, match="must have 4 rows"):
            check_quantile_matrix(np.zeros((5, 3)), n_samples=4)
        with pytest.raises(ValueError, match="1-D or 2-D"):
            check_quantile_matrix(np.zeros((2, 2, 2)))
        with pytest.raises(ValueError, match="`y_quantiles` must not contain NaN"):
            check_quantile_matrix([[0.0, np.nan]])


class TestConfidenceLevel:
    def test_scalar_and_array(self):
        assert check_confidence_level(0.9) == 0.9
        assert isinstance(check_confidence_level(0.9), float)
        np.testing.assert_array_equal(check_confidence_level([0.8, 0.9]), [0.8, 0.9])

    @pytest.mark.parametrize("c", [0.0, 1.0, 1.2, -0.5, [0.5, 1.0]])
    def test_range(self, c):
        with pytest.raises(ValueError, match=r"`confidence_level` must lie strictly inside \(0, 1\)"):
            check_confidence_level(c)

    @pytest.mark.parametrize("c", [None, True, "0.9"])
    def test_type(self, c):
        with pytest.raises(TypeError, match="`confidence_level`"):
            check_confidence_level(c)


class TestProbabilities:
    def test_vector_and_matrix(self):
        assert check_probabilities([0.0, 0.5, 1.0]).shape == (3,)
        assert check_probabilities([[0.2, 0.8], [1.0, 0.0]]).shape == (2, 2)

    def test_out_of_range(self):
        with pytest.raises(ValueError, match=r"`y_prob` must contain probabilities in \[0, 1\].*index 1: 1.3"):
            check_probabilities([0.2, 1.3])

    def test_rows_sum(self):
        with pytest.raises(ValueError, match="Each row of `y_prob` must sum to 1; row 1 sums to 0.9"):
            check_probabilities([[0.5, 0.5], [0.3, 0.6]])
        assert check_probabilities([[0.3, 0.6]], rows_sum_to_one=False).shape == (1, 2)

    def test_nan(self):
        with pytest.raises(ValueError, match="NaN"):
            check_probabilities([0.1, np.nan])


class TestBinaryTarget:
    def test_encodings(self):
        y, classes = check_binary_target(["no", "yes", "yes"])
        np.testing.assert_array_equal(y, [0, 1, 1])
        np.testing.assert_array_equal(classes, ["no", "yes"])
        y, _ = check_binary_target([True, False])
        np.testing.assert_array_equal(y, [1, 0])
        y, _ = check_binary_target([0, 0, 0])  # one class present: still a valid 0/1 target
        np.testing.assert_array_equal(y, [0, 0, 0])
        y, _ = check_binary_target([1, 2, 2], pos_label=1)
        np.testing.assert_array_equal(y, [1, 0, 0])

    def test_bad(self):
        with pytest.raises(ValueError, match=r"`y_true` must be binary.*got 3 labels"):
            check_binary_target([0, 1, 2])
        with pytest.raises(ValueError, match="`y_true` must be 1-D"):
            check_binary_target(np.zeros((3, 2)))
        with pytest.raises(ValueError, match="NaN"):
            check_binary_target([0.0, np.nan])
        with pytest.raises(ValueError, match="must not be empty"):
            check_binary_target([])
        with pytest.raises(ValueError, match="`pos_label`=5 is not one of the labels"):
            check_binary_target([0, 1], pos_label=5)
        with pytest.raises(TypeError, match="got None"):
            check_binary_target(None)


class TestOrdinalTarget:
    def test_integers(self):
        codes, classes = check_ordinal_target([3, 1, 2, 3])
        np.testing.assert_array_equal(codes, [2, 0, 1, 2])
        np.testing.assert_array_equal(classes, [1, 2, 3])

    def test_ordered_categorical_keeps_its_order(self):
        y = pd.Series(pd.Categorical(["high", "low", "mid", "low"], categories=["low", "mid", "high"],
                                     ordered=True))
        codes, classes = check_ordinal_target(y)
        np.testing.assert_array_equal(codes, [2, 0, 1, 0])
        np.testing.assert_array_equal(classes, ["low", "mid", "high"])

    def test_unobserved_categories_dropped(self):
        y = pd.Categorical(["a", "c", "c"], categories=["a", "b", "c"], ordered=True)
        codes, classes = check_ordinal_target(y)
        np.testing.assert_array_equal(codes, [0, 1, 1])
        np.testing.assert_array_equal(classes, ["a", "c"])

    def test_bad(self):
        with pytest.raises(ValueError, match="unordered pandas Categorical"):
            check_ordinal_target(pd.Categorical(["a", "b"]))
        with pytest.raises(ValueError, match=r"at least 3 distinct classes; got 2"):
            check_ordinal_target([0, 1, 1], min_classes=3)
        with pytest.raises(ValueError, match="missing labels"):
            check_ordinal_target(pd.Categorical(["a", None, "b"], categories=["a", "b"], ordered=True))


class TestGroups:
    def test_dataframe_keeps_names(self):
        g = pd.DataFrame({"sex=F": [True, False, True], "age<35": [1, 1, 0]})
        arr, names = check_groups(g, 3)
        assert arr.dtype == bool and arr.shape == (3, 2)
        assert names == ["sex=F", "age<35"]

    def test_vector_is_one_group(self):
        arr, names = check_groups([True, False, True])
        assert arr.shape == (3, 1) and names == ["group_0"]

    def test_bad(self):
        with pytest.raises(ValueError, match=r"`groups` must have 4 rows"):
            check_groups(np.ones((3, 2), bool), 4)
        with pytest.raises(ValueError, match=r"only booleans or 0/1.*2"):
            check_groups([[0, 2], [1, 1]])
        with pytest.raises(ValueError, match=r"empty group\(s\) with no member: \['group_1'\]"):
            check_groups([[1, 0], [1, 0]])
        assert check_groups([[1, 0], [1, 0]], allow_empty=True)[0].shape == (2, 2)
        with pytest.raises(ValueError, match="2-D"):
            check_groups(np.ones((2, 2, 2)))
        with pytest.raises(TypeError, match="booleans"):
            check_groups([["a", "b"]])
        with pytest.raises(TypeError, match="got None"):
            check_groups(None)
        with pytest.raises(ValueError, match="at least one group column"):
            check_groups(np.ones((3, 0)))


class TestWeightsAndLengths:
    def test_sample_weight(self):
        np.testing.assert_array_equal(check_sample_weight(None, 3), [1, 1, 1])
        np.testing.assert_array_equal(check_sample_weight(2.0, 2), [2, 2])
        with pytest.raises(ValueError, match=r"`sample_weight` must have shape \(3,\); got \(2,\)"):
            check_sample_weight([1, 2], 3)
        with pytest.raises(ValueError, match="non-negative"):
            check_sample_weight([1, -1], 2)
        with pytest.raises(ValueError, match="at least one positive"):
            check_sample_weight([0, 0], 2)
        with pytest.raises(ValueError, match="NaN"):
            check_sample_weight([1, np.nan], 2)

    def test_consistent_length(self):
        assert check_consistent_length(a=[1, 2], b=np.zeros((2, 3)), c=None) == 2
        with pytest.raises(ValueError, match="`a` has 2, `b` has 3"):
            check_consistent_length(a=[1, 2], b=[1, 2, 3])


class TestParams:
    CONSTRAINTS = {
        "alpha": [Interval("real", 0, None, closed="left")],
        "n_bins": [Interval("integral", 1, None)],
        "method": [Options("sort", "isotonic")],
        "flag": ["boolean"],
        "random_state": ["random_state"],
        "weights": [None, "array-like"],
    }

    def test_good(self):
        validate_params({"alpha": 0.0, "n_bins": 3, "method": "sort", "flag": True,
                         "random_state": 1, "weights": None}, self.CONSTRAINTS, owner="Foo")
        validate_params({"weights": [1, 2]}, self.CONSTRAINTS)

    @pytest.mark.parametrize(
        "params, exc, msg",
        [
            ({"alpha": -1.0}, ValueError, r"Foo: `alpha` must be a float in \[0, inf\); got -1.0"),
            ({"n_bins": 0}, ValueError, r"`n_bins` must be an int in \[1, inf\); got 0"),
            ({"n_bins": 2.5}, ValueError, "`n_bins` must be an int"),
            ({"method": "bogus"}, ValueError, r"`method` must be one of \{'sort', 'isotonic'\}; got 'bogus'"),
            ({"method": 3}, TypeError, "`method`"),
            ({"flag": 1}, TypeError, "`flag` must be a bool"),
            ({"random_state": "x"}, TypeError, "`random_state`"),
            ({"alpha": "big"}, TypeError, "`alpha`"),
            ({"weights": "abc"}, TypeError, "`weights`"),
        ],
    )
    def test_bad(self, params, exc, msg):
        with pytest.raises(exc, match=msg):
            validate_params(params, self.CONSTRAINTS, owner="Foo")

    def test_infinity_follows_the_closed_side(self):
        assert np.inf in Interval("real", 0, None)
        assert np.inf not in Interval("real", 0, None, closed="left")
        assert -np.inf in Interval("real", None, 0)
        assert -np.inf not in Interval("real", None, 0, closed="right")
        assert np.nan not in Interval("real", None, None)
        assert np.inf not in Interval("integral", 0, None)
        assert str(Interval("real", 0, None)) == "a float in [0, inf]"
        assert str(Interval("real", 0, None, closed="left")) == "a float in [0, inf)"
        assert str(Interval("integral", 1, None)) == "an int in [1, inf)"
        with pytest.raises(ValueError, match=r"\[0, inf\); got inf"):
            check_scalar(np.inf, "rate", Interval("real", 0, None, closed="left"))

    def test_check_scalar(self):
        assert check_scalar(3, "k", Interval("integral", 1, 5)) == 3
        with pytest.raises(ValueError, match=r"`k` must be an int in \[1, 5\]; got 7"):
            check_scalar(7, "k", Interval("integral", 1, 5))
        with pytest.raises(ValueError, match=r"\(0, 1\)"):
            check_scalar(1.0, "p", Interval("real", 0, 1, closed="neither"))

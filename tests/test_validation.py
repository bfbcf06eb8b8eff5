"""Every shared validator: accepts good input, rejects bad input with a message that names it."""

import numpy as np
import pandas as pd
import pytest

from statlearn._validation import (
    GroupsEncoder,
    Interval,
    Options,
    check_binary_target,
    check_confidence_level,
    check_consistent_length,
    check_cv_partition,
    check_finite_array,
    check_groups,
    check_multiclass_target,
    check_ordinal_target,
    check_probabilities,
    check_quantile_matrix,
    check_quantiles,
    check_sample_weight,
    check_scalar,
    validate_args,
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
        y, classes = check_binary_target(["no", "yes", "yes"], pos_label="yes")
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


# --------------------------------------------------------------------------- #
# contract layer (issue 11): targets, groups, cv, validate_args
# --------------------------------------------------------------------------- #
class TestBinaryPosLabelRule:
    """scikit-learn's rule: pos_label is inferred only for {0, 1}, {-1, 1} or {False, True}."""

    @pytest.mark.parametrize("y", [["No"] * 3, ["No", "Yes"], [1, 2, 2], [1, 1, 2], ["0", "1"]])
    def test_ambiguous_labels_need_pos_label(self, y):
        with pytest.raises(ValueError, match=r"`y_true` has labels .*pass `pos_label`"):
            check_binary_target(y)

    @pytest.mark.parametrize(
        "y, expected",
        [([0, 1, 1], [0, 1, 1]), ([-1, 1, -1], [0, 1, 0]), ([True, False], [1, 0]),
         ([1, 1, 1], [1, 1, 1]), ([0.0, 1.0], [0, 1]), ([-1, -1], [0, 0]),
         (np.array([[0], [1]]), [0, 1])],
    )
    def test_inferred(self, y, expected):
        np.testing.assert_array_equal(check_binary_target(y)[0], expected)

    def test_one_label_batch_with_pos_label(self):
        # a batch of only negatives is fine once the positive class is named
        np.testing.assert_array_equal(check_binary_target(["No"] * 3, pos_label="Yes")[0], [0, 0, 0])
        np.testing.assert_array_equal(check_binary_target(["Yes"] * 2, pos_label="Yes")[0], [1, 1])
        # 1 named as the negative class: [1, 1, 1] is all negative when pos_label=2
        np.testing.assert_array_equal(check_binary_target([1, 1, 1], pos_label=2)[0], [0, 0, 0])

    def test_pos_label_type_must_match(self):
        with pytest.raises(ValueError, match="`pos_label`='1' does not have the type"):
            check_binary_target([1, 1], pos_label="1")
        with pytest.raises(ValueError, match="`pos_label`=1 does not have the type"):
            check_binary_target(["a", "a"], pos_label=1)

    @pytest.mark.parametrize(
        "y",
        [pd.array([1, None, 0], dtype="Int64"), pd.array([True, None], dtype="boolean"),
         np.array([0, None, 1], dtype=object), ["No", None], ["No", np.nan], [0.0, np.inf],
         pd.Series(["a", pd.NA], dtype="string")],
    )
    def test_missing_rejected(self, y):
        with pytest.raises(ValueError, match=r"`y_true` must not contain (missing|NaN|inf)"):
            check_binary_target(y, pos_label=1 if not isinstance(y, pd.Series) and not (
                isinstance(y, list) and isinstance(y[0], str)) else "a")

    def test_nullable_without_na_is_fine(self):
        y, _ = check_binary_target(pd.array([1, 0, 1], dtype="Int64"))
        np.testing.assert_array_equal(y, [1, 0, 1])


class TestMulticlassTarget:
    def test_sorted_classes(self):
        codes, classes = check_multiclass_target(["b", "a", "c", "a"])
        np.testing.assert_array_equal(codes, [1, 0, 2, 0])
        np.testing.assert_array_equal(classes, ["a", "b", "c"])

    def test_missing_class_needs_labels(self):
        # labels 1..2 with 3 probability columns: never guess 0- vs 1-based
        y = np.random.default_rng(0).integers(1, 3, 50)
        with pytest.raises(ValueError, match=r"2 distinct label\(s\) \[1, 2\] but 3 classes.*`labels=`"):
            check_multiclass_target(y, n_classes=3)
        codes, classes = check_multiclass_target(y, labels=[1, 2, 3], n_classes=3)
        np.testing.assert_array_equal(codes, y - 1)
        codes, _ = check_multiclass_target(y, labels=[0, 1, 2], n_classes=3)
        np.testing.assert_array_equal(codes, y)

    def test_labels_order_is_the_column_order(self):
        codes, classes = check_multiclass_target(["x", "y", "z"], labels=["z", "x", "y"])
        np.testing.assert_array_equal(codes, [1, 2, 0])
        np.testing.assert_array_equal(classes, ["z", "x", "y"])

    def test_bad_labels(self):
        with pytest.raises(ValueError, match=r"`y_true` has label\(s\) not in `labels`.*3"):
            check_multiclass_target([0, 3], labels=[0, 1, 2])
        with pytest.raises(ValueError, match="`labels` must not contain duplicates; 1 appears twice"):
            check_multiclass_target([0, 1], labels=[0, 1, 1])
        with pytest.raises(ValueError, match=r"`labels` must have one entry per class \(3\); got 2"):
            check_multiclass_target([0, 1], labels=[0, 1], n_classes=3)
        with pytest.raises(ValueError, match="missing labels|NaN"):
            check_multiclass_target(pd.array([0, None, 2], dtype="Int64"))
        with pytest.raises(TypeError, match="mixes label types"):
            check_multiclass_target(np.array([1, "a"], dtype=object))


class TestOrdinalOrder:
    def test_text_needs_an_order(self):
        y = ["none", "low", "mid", "high", "low"]
        with pytest.raises(ValueError, match=r"text labels have no order; pass an ordered pandas "
                                             r"Categorical or `classes=\[...\]`"):
            check_ordinal_target(y)
        codes, classes = check_ordinal_target(y, classes=["none", "low", "mid", "high"])
        np.testing.assert_array_equal(codes, [0, 1, 2, 3, 1])
        np.testing.assert_array_equal(classes, ["none", "low", "mid", "high"])

    def test_classes_drop_unobserved_keep_order(self):
        codes, classes = check_ordinal_target(["hi", "lo", "hi"], classes=["lo", "mid", "hi"])
        np.testing.assert_array_equal(codes, [1, 0, 1])
        np.testing.assert_array_equal(classes, ["lo", "hi"])

    def test_classes_override_categorical_and_numbers(self):
        y = pd.Categorical(["a", "b", "a"], categories=["a", "b"], ordered=True)
        np.testing.assert_array_equal(check_ordinal_target(y, classes=["b", "a"])[0], [1, 0, 1])
        np.testing.assert_array_equal(check_ordinal_target([1, 2, 3], classes=[3, 2, 1])[0], [2, 1, 0])

    def test_unknown_label_in_classes(self):
        with pytest.raises(ValueError, match=r"`y` has label\(s\) not in `classes`.*'top'"):
            check_ordinal_target(["lo", "top"], classes=["lo", "hi"])
        with pytest.raises(ValueError, match="`classes` must not contain duplicates"):
            check_ordinal_target(["lo", "hi"], classes=["lo", "hi", "lo"])

    def test_numeric_strings_in_numeric_order(self):
        codes, classes = check_ordinal_target(["10", "2", "3.5", "2"])
        np.testing.assert_array_equal(classes, ["2", "3.5", "10"])
        np.testing.assert_array_equal(codes, [2, 0, 1, 0])
        with pytest.raises(ValueError, match="same numeric value"):
            check_ordinal_target(["1", "1.0", "2"])
        with pytest.raises(ValueError, match="text labels have no order"):
            check_ordinal_target(["1", "nan", "2"])

    def test_booleans_and_missing(self):
        np.testing.assert_array_equal(check_ordinal_target([True, False])[0], [1, 0])
        with pytest.raises(ValueError, match="missing labels"):
            check_ordinal_target(np.array([1, None, 2], dtype=object))
        with pytest.raises(ValueError, match="missing labels"):
            check_ordinal_target(["lo", None], classes=["lo", "hi"])


class TestGroupsExpansion:
    FRAME = pd.DataFrame({"sex": ["F", "M", "F", "M"], "young": [True, False, False, True],
                          "region": pd.Categorical(["s", "n", "s", "s"], categories=["s", "e", "n"])})

    def test_expansion_names_and_values(self):
        G, names = check_groups(self.FRAME)
        assert names == ["sex=F", "sex=M", "young", "region=s", "region=n"]
        expected = np.array([[1, 0, 1, 1, 0], [0, 1, 0, 0, 1], [1, 0, 0, 1, 0], [0, 1, 1, 1, 0]], bool)
        np.testing.assert_array_equal(G, expected)
        assert G.flags.c_contiguous and G.dtype == bool

    def test_series(self):
        G, names = check_groups(pd.Series(["a", "b", "a"], name="team"))
        assert names == ["team=a", "team=b"]
        np.testing.assert_array_equal(G[:, 0], [True, False, True])
        assert check_groups(pd.Series(["a", "b"]))[1] == ["groups=a", "groups=b"]
        assert check_groups(pd.Series([True, False]))[1] == ["group_0"]  # as a 1-D array
        assert check_groups(pd.Series([True, False], name="young"))[1] == ["young"]

    @pytest.mark.parametrize("col", [[True, "abc", False], [1, 0, "x"], ["a", 1, "b"]])
    def test_mixed_text_column_rejected(self, col):
        # a stray string in an indicator column used to expand it into levels silently
        frame = pd.DataFrame({"ok": [True, True, False], "bad": pd.Series(col, dtype=object)})
        with pytest.raises(TypeError, match=r"`groups` column 'bad' mixes text"):
            check_groups(frame)

    @pytest.mark.parametrize(
        "col",
        [pd.array([1, pd.NA, 0], dtype="Int64"), pd.array([True, pd.NA, False], dtype="boolean"),
         ["a", None, "b"], ["a", np.nan, "b"], pd.Categorical(["a", None, "b"]), [1.0, np.nan, 0.0]],
    )
    def test_na_rejected_naming_the_column(self, col):
        frame = pd.DataFrame({"ok": [True, True, False], "bad": col})
        with pytest.raises(ValueError, match=r"`groups` column 'bad' must not contain missing values"):
            check_groups(frame)

    def test_array_na_and_text(self):
        with pytest.raises(ValueError, match="`groups` must not contain missing values"):
            check_groups(np.array([[True], [None]], dtype=object))
        with pytest.raises(TypeError, match="Pass a pandas DataFrame"):
            check_groups(np.array(["a", "b"]))

    def test_nullable_indicators_without_na(self):
        frame = pd.DataFrame({"a": pd.array([1, 0], dtype="Int64"), "b": pd.array([True, True], dtype="boolean")})
        G, names = check_groups(frame)
        np.testing.assert_array_equal(G, [[True, True], [False, True]])
        assert names == ["a", "b"]

    def test_duplicated_columns_rejected(self):
        frame = pd.DataFrame([[True, False]], columns=["a", "a"])
        with pytest.raises(ValueError, match=r"duplicated column names \['a'\]"):
            check_groups(frame)


class TestGroupsEncoder:
    FIT = pd.DataFrame({"a": [True, False, True], "b": [0, 1, 1], "c": ["x", "y", "x"]})

    def test_reordered_columns_same_matrix(self):
        enc = GroupsEncoder().fit(self.FIT)
        assert enc.names_ == ["a", "b", "c=x", "c=y"] and enc.n_groups_ == 4
        direct = enc.transform(self.FIT)
        reordered = enc.transform(self.FIT[["c", "b", "a"]])
        np.testing.assert_array_equal(direct, reordered)
        np.testing.assert_array_equal(direct, enc.fit_transform(self.FIT))
        # a subset of levels at predict time keeps the fitted width
        np.testing.assert_array_equal(enc.transform(self.FIT.iloc[[0]])[0], [True, False, True, False])

    @pytest.mark.parametrize(
        "frame, msg",
        [(FIT.rename(columns={"a": "A"}), r"missing: \['a'\], unknown: \['A'\]"),
         (FIT[["a", "b"]], r"missing: \['c'\], unknown: \[\]"),
         (FIT.assign(d=True), r"missing: \[\], unknown: \['d'\]"),
         (FIT.assign(c=["x", "z", "x"]), r"column 'c' has level\(s\) not seen at fit: \['z'\]"),
         (FIT.assign(a=pd.array([True, pd.NA, False], dtype="boolean")), "column 'a' must not contain missing"),
         (FIT.assign(c=["x", pd.NA, "y"]), "column 'c' must not contain missing"),
         (FIT.assign(b=["x", "y", "x"]), "column 'b' must contain booleans")],
    )
    def test_mismatch_raises(self, frame, msg):
        enc = GroupsEncoder().fit(self.FIT)
        with pytest.raises((ValueError, TypeError), match=msg):
            enc.transform(frame)

    def test_array_and_frame_cross_over_by_width(self):
        enc = GroupsEncoder().fit(self.FIT)
        arr = enc.transform(self.FIT)
        np.testing.assert_array_equal(enc.transform(arr), arr)
        with pytest.raises(ValueError, match=r"must have 4 group column\(s\).*fitted on a DataFrame\); got 2"):
            enc.transform(arr[:, :2])
        enc2 = GroupsEncoder().fit(arr)
        assert enc2.columns_ is None and enc2.names_[0] == "group_0"
        np.testing.assert_array_equal(enc2.transform(pd.DataFrame(arr, columns=list("pqrs"))), arr)
        with pytest.raises(ValueError, match=r"fitted on an array\); got 2"):
            enc2.transform(self.FIT[["a", "b"]])

    def test_rows_not_fitted_and_pickle(self):
        import pickle

        from sklearn.exceptions import NotFittedError

        with pytest.raises(NotFittedError):
            GroupsEncoder().transform(self.FIT)
        enc = GroupsEncoder().fit(self.FIT, n_samples=3)
        with pytest.raises(ValueError, match="`groups` must have 5 rows"):
            enc.transform(self.FIT, n_samples=5)
        back = pickle.loads(pickle.dumps(enc))
        np.testing.assert_array_equal(back.transform(self.FIT[["b", "c", "a"]]), enc.transform(self.FIT))
        with pytest.raises(ValueError, match=r"empty group\(s\)"):
            GroupsEncoder(allow_empty=False).fit(pd.DataFrame({"a": [False, False]}))


class TestCvObject:
    @pytest.mark.parametrize("cv", [None, 2, 5, np.int64(3), [(np.array([0]), np.array([1]))]])
    def test_accepted(self, cv):
        validate_params({"cv": cv}, {"cv": ["cv_object"]})

    def test_splitter_accepted(self):
        from sklearn.model_selection import KFold

        validate_params({"cv": KFold(3)}, {"cv": ["cv_object"]})

    @pytest.mark.parametrize("cv, exc", [(1, ValueError), (0, ValueError), (-2, ValueError), (True, TypeError),
                                         ("kfold", TypeError), (2.5, ValueError), ({"a": 1}, TypeError)])
    def test_rejected(self, cv, exc):
        with pytest.raises(exc, match=r"`cv` must be None, an int >= 2, a cross-validation splitter"):
            validate_params({"cv": cv}, {"cv": ["cv_object"]})


class TestRandomStateConstraint:
    @pytest.mark.parametrize("rs", [None, 0, 2**40, np.int32(3), np.random.default_rng(0),
                                    np.random.RandomState(0), np.random.SeedSequence(1)])
    def test_accepted(self, rs):
        validate_params({"random_state": rs}, {"random_state": ["random_state"]})

    @pytest.mark.parametrize("rs, exc", [(-1, ValueError), (1.5, ValueError), (True, TypeError),
                                         ("0", TypeError), (np.random, TypeError)])
    def test_rejected(self, rs, exc):
        with pytest.raises(exc, match=r"`random_state` must be None, an int >= 0, a numpy Generator"):
            validate_params({"random_state": rs}, {"random_state": ["random_state"]})


class TestCvPartition:
    X = np.zeros((10, 2))

    def test_kfold_is_a_partition(self):
        from sklearn.model_selection import GroupKFold

        splits = check_cv_partition(5, self.X)
        assert len(splits) == 5
        np.testing.assert_array_equal(np.sort(np.concatenate([t for _, t in splits])), np.arange(10))
        groups = np.repeat([0, 1, 2, 3, 4], 2)
        splits = check_cv_partition(GroupKFold(5), self.X, groups=groups)
        for train, test in splits:
            assert not set(groups[train]) & set(groups[test])

    def test_stratified_for_classifiers(self):
        y = np.array([0] * 5 + [1] * 5)
        for _, test in check_cv_partition(5, self.X, y, classifier=True):
            assert set(y[test]) == {0, 1}

    def test_not_a_partition(self):
        from sklearn.model_selection import ShuffleSplit, TimeSeriesSplit

        with pytest.raises(ValueError, match=r"`cv` must give test folds that form a partition of the 10 rows"):
            check_cv_partition(ShuffleSplit(3, random_state=0), self.X)
        with pytest.raises(ValueError, match=r"got [1-9]\d* row\(s\) in no test fold and 0 in several"):
            check_cv_partition(TimeSeriesSplit(3), self.X)
        with pytest.raises(ValueError, match="fold 0 has rows in both its train and test part"):
            check_cv_partition([(np.arange(6), np.arange(5, 10))], self.X)
        with pytest.raises(ValueError, match=r"must lie in \[0, 10\)"):
            check_cv_partition([(np.arange(5), np.arange(5, 11))], self.X)

    def test_masks_and_name(self):
        mask = np.arange(10) < 5
        splits = check_cv_partition([(mask, ~mask), (~mask, mask)], self.X)
        np.testing.assert_array_equal(splits[0][1], np.arange(5, 10))
        with pytest.raises(TypeError, match="`folds` must be None, an int >= 2"):
            check_cv_partition("kfold", self.X, name="folds")


class TestValidateArgs:
    @staticmethod
    def _make(owner=None):
        @validate_args({"n_bins": [Interval("integral", 1, None)], "strategy": [Options("uniform", "quantile")],
                        "random_state": ["random_state"]}, owner=owner)
        def binned(values, n_bins=10, *, strategy="uniform", random_state=None):
            """Docstring kept."""
            return n_bins, strategy

        return binned

    def test_passes_through_and_keeps_metadata(self):
        import inspect

        f = self._make()
        assert f([1], 3, strategy="quantile") == (3, "quantile")
        assert f.__name__ == "binned" and f.__doc__ == "Docstring kept."
        assert list(inspect.signature(f).parameters) == ["values", "n_bins", "strategy", "random_state"]
        assert "n_bins" in f.__statlearn_constraints__

    @pytest.mark.parametrize(
        "args, kwargs, exc, msg",
        [(([1], 0), {}, ValueError, r"^binned: `n_bins` must be an int in \[1, inf\); got 0\.$"),
         (([1],), {"n_bins": 2.0}, ValueError, "binned: `n_bins` must be an int"),
         (([1],), {"strategy": "bogus"}, ValueError, r"`strategy` must be one of \{'uniform', 'quantile'\}"),
         (([1],), {"random_state": "seed"}, TypeError, "`random_state` must be None, an int >= 0")],
    )
    def test_rejects_with_named_argument(self, args, kwargs, exc, msg):
        with pytest.raises(exc, match=msg):
            self._make()(*args, **kwargs)

    def test_owner_and_bad_declaration(self):
        with pytest.raises(ValueError, match=r"^histogram: `n_bins`"):
            self._make(owner="histogram")([1], n_bins=-1)
        with pytest.raises(TypeError, match=r"has no argument\(s\) \['bins'\]"):
            validate_args({"bins": [None]})(lambda values: values)
        with pytest.raises(TypeError):  # a wrong call is still Python's TypeError
            self._make()()


# --------------------------------------------------------------------------- #
# validate_data: scikit-learn's validation with the argument named
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize(
    "X, y, expected",
    [
        (np.ones(5), np.ones(5), "`X`: Expected 2D array"),
        (np.ones((5, 2, 2)), np.ones(5), "`X`: Found array with dim 3"),
        (np.ones((0, 2)), np.ones(0), "`X`: Found array with 0 sample"),
        (np.array([["a", "b"]] * 5), np.ones(5), "`X`: "),
        (np.ones((5, 2)), np.ones(4), "`X` and `y`: Found input variables with inconsistent"),
        (np.ones((5, 2)), np.ones((5, 2, 2)), "`y`: Found array with dim 3"),
        (np.ones((5, 2)), None, "`y`: "),
        (np.full((5, 2), np.nan), np.ones(5), "`X`: Input X contains NaN"),
        (np.ones((5, 2)), np.full(5, np.inf), "`y`: Input y contains infinity"),
    ],
)
def test_validate_data_names_the_argument(X, y, expected):
    from sklearn.linear_model import Ridge

    from statlearn._validation import validate_data

    with pytest.raises(ValueError) as info:
        validate_data(Ridge(), X, y)
    assert str(info.value).startswith(expected)


def test_validate_data_matches_sklearn_on_valid_input():
    from sklearn.linear_model import Ridge
    from sklearn.utils.validation import validate_data as sk_validate_data

    from statlearn._validation import validate_data

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(6, 3)).astype(np.float32), rng.normal(size=6)
    ours, theirs = Ridge(), Ridge()
    for a, b in zip(validate_data(ours, X, y), sk_validate_data(theirs, X, y), strict=True):
        np.testing.assert_array_equal(a, b)
    assert ours.n_features_in_ == theirs.n_features_in_ == 3
    with pytest.raises(ValueError, match=r"^`X`: X has 2 features, but Ridge is expecting 3"):
        validate_data(ours, X[:, :2], reset=False)


def test_validate_data_keeps_subclass_and_named_errors(monkeypatch):
    from sklearn.exceptions import NotFittedError
    from sklearn.linear_model import Ridge

    import statlearn._validation._sklearn as mod

    def raise_(exc):
        def fake(*args, **kwargs):
            raise exc
        return fake

    monkeypatch.setattr(mod, "_sklearn_validate_data", raise_(NotFittedError("not fitted yet")))
    with pytest.raises(NotFittedError, match=r"^not fitted yet$"):  # a subclass passes through untouched
        mod.validate_data(Ridge(), np.ones((2, 2)))
    monkeypatch.setattr(mod, "_sklearn_validate_data", raise_(ValueError("`X` is already named")))
    with pytest.raises(ValueError, match=r"^`X` is already named$"):  # never named twice
        mod.validate_data(Ridge(), np.ones((2, 2)))


def test_validate_args_fast_path_same_semantics():
    from statlearn._validation import Interval, Options, validate_args

    @validate_args({"n_bins": [Interval("integral", 1, None)], "strategy": [Options("uniform", "quantile")],
                    "y": ["array-like"]})
    def f(y, p=None, *, n_bins=10, strategy="uniform"):
        return n_bins, strategy

    assert f([1], n_bins=3, strategy="quantile") == (3, "quantile")
    assert f([1], None) == (10, "uniform")
    with pytest.raises(ValueError, match=r"^f: `n_bins` must be an int in \[1, inf\); got 0\."):
        f([1], n_bins=0)
    with pytest.raises(TypeError, match=r"^f: `n_bins` must be an int"):
        f([1], n_bins=True)
    with pytest.raises(ValueError, match=r"^f: `strategy` must be one of"):
        f([1], strategy="Uniform")
    with pytest.raises(TypeError, match=r"^f: `y` must be an array-like"):
        f(3)
    with pytest.raises(TypeError):  # unknown keyword: the call itself raises
        f([1], bins=3)


def test_options_membership_is_type_strict():
    from statlearn._validation import Options

    opts = Options("a", None, True, 1)
    assert [v in opts for v in ["a", None, True, 1]] == [True] * 4
    assert [v in opts for v in [1.0, False, "b", [1], 0, np.int64(1)]] == [False] * 6

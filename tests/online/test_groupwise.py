import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge, SGDClassifier, SGDRegressor

from statlearn._base import check_generator, seed_from
from statlearn.datasets import make_grouped_regression
from statlearn.online import GroupwiseClassifier, GroupwiseRegressor, OnlineRidge, group_regret
from tests.online import _oracles


def _data(rng, n=300, d=4, G=4):
    X = rng.normal(size=(n, d))
    groups = rng.random((n, G)) < 0.4
    y = X @ rng.normal(size=d) + groups @ rng.normal(size=G) + 0.3 * rng.normal(size=n)
    y = (y - y.min()) / (y.max() - y.min())
    return X, y, groups


def _awake(groups, always_on=True):
    return np.column_stack([groups, np.ones(len(groups), bool)]) if always_on else groups


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"method": "hedge", "learning_rate": 0.7},
        {"clip": (0.0, 1.0)},
        {"base": OnlineRidge(alpha=3.0, fit_intercept=False)},
        {"aggregation": "sample", "random_state": 5},
    ],
)
def test_kernel_matches_numpy_twin(rng, params):
    X, y, groups = _data(rng)
    model = GroupwiseRegressor(**{"experts": "independent", **params}).fit(X, y, groups=groups)
    base = params.get("base", OnlineRidge())
    uniforms = None
    if params.get("aggregation") == "sample":
        # the estimator draws its predict seed first, then one uniform per row
        rs = check_generator(5)
        seed_from(rs)
        uniforms = rs.random(len(y))
    preds, theta, R, C, counts = _oracles.groupwise_numpy(
        X, y, _awake(groups), alpha=base.alpha, fit_intercept=base.fit_intercept,
        method=params.get("method", "adanormalhedge"), learning_rate=params.get("learning_rate", 1.0),
        clip=params.get("clip"), aggregation=params.get("aggregation", "mean"), uniforms=uniforms,
    )
    np.testing.assert_allclose(model.prequential_predictions_, preds, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(model.expert_regret_, R, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(model.group_counts_, counts)
    ours = np.column_stack([model.coef_, model.intercept_]) if base.fit_intercept else model.coef_
    np.testing.assert_allclose(ours, theta, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("loss", ["squared", "log"])
def test_classifier_kernel_matches_numpy_twin(rng, loss):
    X, y, groups = _data(rng)
    yb = (y > np.median(y)).astype(int)
    clf = GroupwiseClassifier(loss=loss).fit(X, yb, groups=groups)
    clip = (1e-4, 1 - 1e-4) if loss == "log" else (0.0, 1.0)
    preds, *_ = _oracles.groupwise_numpy(X, yb.astype(float), _awake(groups), loss=loss, clip=clip)
    np.testing.assert_allclose(clf.prequential_predictions_, preds, rtol=1e-12, atol=1e-12)
    proba = clf.predict_proba(X, groups=groups)
    assert proba.shape == (300, 2) and (proba >= 0).all() and (proba <= 1).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert set(clf.predict(X, groups=groups)) <= {0, 1}


def test_single_group_equals_online_ridge(rng):
    X, y, _ = _data(rng)
    model = GroupwiseRegressor(experts="independent", always_on=False).fit(X, y)
    ridge = OnlineRidge().fit(X, y)
    np.testing.assert_allclose(model.prequential_predictions_, ridge.prequential_predictions_, atol=1e-12)
    np.testing.assert_allclose(model.predict(X), ridge.predict(X), atol=1e-12)


@pytest.mark.parametrize("aggregation", ["mean", "sample"])
def test_batches_equal_one_pass(rng, aggregation):
    X, y, groups = _data(rng, n=257)
    one = GroupwiseRegressor(aggregation=aggregation, random_state=1).fit(X, y, groups=groups)
    batched = GroupwiseRegressor(aggregation=aggregation, random_state=1)
    for chunk in np.array_split(np.arange(257), 9):
        batched.partial_fit(X[chunk], y[chunk], groups=groups[chunk])
    rows = GroupwiseRegressor(aggregation=aggregation, random_state=1)
    for t in range(257):
        rows.partial_fit(X[t:t + 1], y[t:t + 1], groups=groups[t:t + 1])
    for other in (batched, rows):
        np.testing.assert_allclose(other.prequential_predictions_, one.prequential_predictions_, atol=1e-13)
        np.testing.assert_allclose(other.coef_, one.coef_, atol=1e-13)
        np.testing.assert_allclose(other.expert_weights_, one.expert_weights_, atol=1e-13)
        np.testing.assert_array_equal(other.group_counts_, one.group_counts_)
    np.testing.assert_array_equal(batched.predict(X, groups), one.predict(X, groups))


def test_same_seed_same_result_and_refit(rng):
    X, y, groups = _data(rng)
    a = GroupwiseRegressor(aggregation="sample", random_state=3).fit(X, y, groups)
    b = GroupwiseRegressor(aggregation="sample", random_state=3).fit(X, y, groups)
    np.testing.assert_array_equal(a.prequential_predictions_, b.prequential_predictions_)
    np.testing.assert_array_equal(a.predict(X, groups), b.predict(X, groups))
    before = a.prequential_predictions_.copy()
    a.fit(X, y, groups)
    np.testing.assert_array_equal(a.prequential_predictions_, before)
    c = GroupwiseRegressor(aggregation="sample", random_state=4).fit(X, y, groups)
    assert not np.array_equal(c.prequential_predictions_, before)


def test_dataframe_groups_keep_names(rng):
    X, y, groups = _data(rng, G=2)
    frame = pd.DataFrame(groups, columns=["sex=Female", "age<35"])
    model = GroupwiseRegressor().fit(X, y, groups=frame)
    assert model.group_names_ == ["sex=Female", "age<35"]
    assert model.expert_names_ == ["sex=Female", "age<35", "always_on"]
    assert model.coef_.shape == (3, 4) and model.intercept_.shape == (3,)
    np.testing.assert_array_equal(model.group_counts_, [groups[:, 0].sum(), groups[:, 1].sum(), 300])
    assert model.expert_weights_.sum() == pytest.approx(1.0)
    assert model.expert_predictions(X).shape == (300, 3)


def test_mean_beats_its_expected_loss(rng):
    # Jensen: the weighted mean's squared loss is never above the weights' expected loss.
    # The expected loss sum_t L_t is recovered from the always_on expert (awake every round):
    # R_always = sum_t (L_t - l_always,t), and that expert is one online ridge over all rows.
    X, y, groups = _data(rng)
    model = GroupwiseRegressor().fit(X, y, groups)
    always = OnlineRidge().fit(X, y).prequential_predictions_
    expected_loss = model.expert_regret_[-1] + np.sum((always - y) ** 2)
    mean_loss = np.sum((model.prequential_predictions_ - y) ** 2)
    assert mean_loss <= expected_loss
    assert mean_loss < 0.99 * expected_loss  # strict here: the awake experts disagree


def test_bad_input(rng):
    X, y, groups = _data(rng, n=50)
    with pytest.raises(ValueError, match="`groups` must have 50 rows"):
        GroupwiseRegressor().fit(X, y, groups=groups[:40])
    with pytest.raises(ValueError, match="`groups` must contain only booleans"):
        GroupwiseRegressor().fit(X, y, groups=groups.astype(int) * 2)
    with pytest.raises(TypeError, match="`groups` must contain booleans"):
        GroupwiseRegressor().fit(X, y, groups=np.full((50, 2), "a"))
    lonely = groups.copy()
    lonely[3] = False
    with pytest.raises(ValueError, match="always_on=False.*index 3"):
        GroupwiseRegressor(always_on=False).fit(X, y, groups=lonely)
    GroupwiseRegressor(always_on=True).fit(X, y, groups=lonely)  # fine with always_on
    Xn = X.copy()
    Xn[5, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GroupwiseRegressor().fit(Xn, y, groups=groups)
    with pytest.raises(NotFittedError):
        GroupwiseRegressor().predict(X, groups)
    model = GroupwiseRegressor().fit(X, y, groups)
    with pytest.raises(ValueError, match="`groups` is required"):
        model.predict(X)
    with pytest.raises(ValueError, match="`groups` must have 4 group column"):
        model.partial_fit(X, y, groups=groups[:, :2])
    with pytest.raises(ValueError, match="aggregation"):
        GroupwiseRegressor(aggregation="median").fit(X, y)
    with pytest.raises(TypeError, match="base"):
        GroupwiseRegressor(base="ridge").fit(X, y)
    with pytest.raises(ValueError, match="clip"):
        GroupwiseRegressor(clip=(1.0, 0.0)).fit(X, y)
    with pytest.raises(ValueError, match="at least two classes"):
        GroupwiseClassifier().fit(X, np.zeros(50))


def _regrets(label, seed, n, experts):
    X, y, groups = make_grouped_regression(n_samples=n, label=label, random_state=seed)
    ours = GroupwiseRegressor(experts=experts).fit(X, y, groups=groups).prequential_predictions_
    baseline = OnlineRidge().fit(X, y).prequential_predictions_
    return group_regret(y, ours, X, groups)["regret"], group_regret(y, baseline, X, groups)["regret"]


@pytest.mark.slow
@pytest.mark.parametrize("experts", ["independent", "residual"])
@pytest.mark.parametrize("label", ["mean", "min", "max", "first"])
def test_beats_baseline_in_every_group_on_paper_synthetic(label, experts):
    # Over 5 seeds, the groupwise learner's regret is below the baseline's in every
    # group in every seed (a sign test: 5/5 wins has probability 1/32 under no effect).
    wins = []
    for seed in range(5):
        ours, base = _regrets(label, seed, 4000, experts)
        wins.append((ours < base).to_numpy())
    wins = np.array(wins)
    assert wins.all(), f"groups lost: {np.argwhere(~wins)}"


def test_score_uses_groups(rng):
    X, y, groups = _data(rng)
    model = GroupwiseRegressor().fit(X, y, groups)
    from sklearn.metrics import r2_score

    assert model.score(X, y, groups) == pytest.approx(r2_score(y, model.predict(X, groups)))
    yb = (y > np.median(y)).astype(int)
    clf = GroupwiseClassifier().fit(X, yb, groups)
    assert clf.score(X, yb, groups) == pytest.approx(np.mean(clf.predict(X, groups) == yb))
    assert clf.score(X, yb, groups) > 0.6


def test_dataframe_columns_are_matched_by_name(rng):
    X, y, groups = _data(rng, G=2)
    frame = pd.DataFrame(groups, columns=["a", "b"])
    model = GroupwiseRegressor().fit(X, y, groups=frame)
    np.testing.assert_array_equal(model.predict(X, groups=frame[["b", "a"]]), model.predict(X, groups=frame))
    np.testing.assert_array_equal(model.predict(X, groups=frame), model.predict(X, groups=groups))
    with pytest.raises(ValueError, match="groups"):
        model.predict(X, groups=frame.rename(columns={"b": "c"}))


def test_pickle_mid_stream_then_continue(rng):
    import pickle

    X, y, groups = _data(rng)
    one = GroupwiseRegressor(aggregation="sample", random_state=2).fit(X, y, groups)
    part = GroupwiseRegressor(aggregation="sample", random_state=2).partial_fit(X[:120], y[:120], groups[:120])
    part = pickle.loads(pickle.dumps(part))
    part.partial_fit(X[120:], y[120:], groups[120:])
    np.testing.assert_array_equal(part.prequential_predictions_, one.prequential_predictions_)
    np.testing.assert_array_equal(part.coef_, one.coef_)


@given(cuts=st.lists(st.integers(1, 79), max_size=6, unique=True))
@settings(max_examples=25)
def test_any_batching_equals_one_pass(cuts):
    rng = np.random.default_rng(0)
    X, y, groups = _data(rng, n=80, G=3)
    one = GroupwiseRegressor().fit(X, y, groups)
    model = GroupwiseRegressor()
    bounds = [0, *sorted(cuts), 80]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        model.partial_fit(X[a:b], y[a:b], groups[a:b])
    np.testing.assert_allclose(model.prequential_predictions_, one.prequential_predictions_, atol=1e-13)
    np.testing.assert_allclose(model.expert_weights_, one.expert_weights_, atol=1e-13)


def test_always_on_changed_mid_stream_raises(rng):
    # the expert set is fixed at the first partial_fit: switching `always_on` afterwards used to
    # hand the kernel a groups matrix one column short (it read past the end of each row)
    X, y, groups = _data(rng, n=100)
    groups[:, 0] |= ~groups.any(axis=1)  # every row in some group, so always_on=False is valid
    for first, then in ((True, False), (False, True)):
        model = GroupwiseRegressor(experts="independent", always_on=first).fit(X[:50], y[:50], groups=groups[:50])
        counts = model.group_counts_.copy()
        model.set_params(always_on=then)
        with pytest.raises(ValueError, match="`always_on`"):
            model.partial_fit(X[50:], y[50:], groups=groups[50:])
        before = model.predict(X[50:], groups=groups[50:])  # predictions use the fitted expert set
        np.testing.assert_array_equal(model.group_counts_, counts)
        assert before.shape == (50,)
        model.fit(X, y, groups=groups)  # a refit starts a new stream with the new setting
        assert len(model.expert_names_) == groups.shape[1] + int(then)


def test_classifier_partial_fit_classes_must_not_change(rng):
    # as in scikit-learn's partial_fit: `classes` given again must equal the first call's
    X, y, groups = _data(rng, n=100)
    yb = (y > np.median(y)).astype(int)
    clf = GroupwiseClassifier().partial_fit(X[:50], yb[:50], groups=groups[:50], classes=[0, 1])
    clf.partial_fit(X[50:70], yb[50:70], groups=groups[50:70], classes=[1, 0])  # same set: fine
    with pytest.raises(ValueError, match="`classes`"):
        clf.partial_fit(X[70:], yb[70:] + 1, groups=groups[70:], classes=[1, 2])
    assert clf.n_samples_seen_ == 70


@pytest.mark.parametrize(
    "params, match",
    [
        ({"method": "hedge", "learning_rate": np.inf}, "`learning_rate`"),
        ({"base": OnlineRidge(alpha=-1.0)}, "`alpha`"),
        ({"base": OnlineRidge(alpha=0.0)}, "`alpha`"),
        ({"base": OnlineRidge(alpha=np.inf)}, "`alpha`"),
    ],
)
def test_bad_rates_and_base_penalty_raise(rng, params, match):
    # these passed before: an infinite hedge rate gave NaN forecasts, and the template's alpha
    # was used unchecked (alpha <= 0 divides by zero or flips the ridge; inf never learns)
    X, y, groups = _data(rng, n=60)
    with pytest.raises(ValueError, match=match):
        GroupwiseRegressor(**params).fit(X, y, groups=groups)


# --------------------------------------------------------------------------- #
# issue 16: forgetting, residual experts, multiclass, any partial_fit base
# --------------------------------------------------------------------------- #
@pytest.mark.parametrize("params", [{"experts": "residual"}, {"base": OnlineRidge(forgetting_factor=0.95)},
                                    {"experts": "residual", "base": OnlineRidge(alpha=4.0, forgetting_factor=0.9),
                                     "clip": (0.0, 1.0)},
                                    {"experts": "residual", "always_on": False}])
def test_residual_and_forgetting_match_numpy_twin(rng, params):
    X, y, groups = _data(rng)
    groups[:, 0] |= ~groups.any(axis=1)  # every row in some group, so always_on=False is valid
    model = GroupwiseRegressor(**params).fit(X[:170], y[:170], groups=groups[:170])
    model.partial_fit(X[170:], y[170:], groups=groups[170:])
    base = params.get("base", OnlineRidge())
    awake = _awake(groups)
    if params.get("always_on") is False:  # the global learner is there, never mixed
        awake[:, -1] = False
        assert model.expert_names_[-1] == "global"
    preds, theta, R, C, counts = _oracles.groupwise_numpy(
        X, y, awake, alpha=base.alpha, beta=base.forgetting_factor,
        residual=params.get("experts", "independent") == "residual", clip=params.get("clip"))
    np.testing.assert_allclose(model.prequential_predictions_, preds, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(model.expert_regret_, R, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.column_stack([model.coef_, model.intercept_]), theta, rtol=1e-9, atol=1e-11)
    # expert_predictions of a residual expert = the always-on forecast + its correction
    Z = np.column_stack([X, np.ones(len(X))])
    own = Z @ theta.T
    if params.get("experts", "independent") == "residual":
        own[:, :-1] += own[:, -1:]
    if "clip" in params:
        own = np.clip(own, *params["clip"])
    np.testing.assert_allclose(model.expert_predictions(X), own, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("loss", ["squared", "log"])
def test_multiclass_matches_numpy_twin(rng, loss):
    X, y, groups = _data(rng)
    labels = np.array(["low", "mid", "high"])[np.digitize(y, np.quantile(y, [0.33, 0.66]))]
    clf = GroupwiseClassifier(loss=loss).fit(X, labels, groups=groups)
    assert clf.classes_.tolist() == ["high", "low", "mid"]
    codes = np.searchsorted(clf.classes_, labels)
    clip = (1e-4, 1.0) if loss == "log" else (0.0, 1.0)
    preds, *_ = _oracles.groupwise_numpy(X, np.eye(3)[codes], _awake(groups), loss=loss, clip=clip, simplex=True)
    np.testing.assert_allclose(clf.prequential_predictions_, preds, rtol=1e-10, atol=1e-12)
    proba = clf.predict_proba(X, groups=groups)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X, groups=groups), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, labels, groups=groups) > 0.5
    with pytest.raises(ValueError, match="`y`"):
        clf.score(X, np.where(labels == "mid", "other", labels), groups=groups)


class _GramRidge(RegressorMixin, BaseEstimator):
    """A plain ridge with partial_fit (Gram matrix and solve), for the generic-base path."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def partial_fit(self, X, y):
        Z = np.column_stack([X, np.ones(len(X))])
        if not hasattr(self, "gram_"):
            self.gram_, self.xy_ = self.alpha * np.eye(Z.shape[1]), np.zeros(Z.shape[1])
        self.gram_ = self.gram_ + Z.T @ Z
        self.xy_ = self.xy_ + Z.T @ np.asarray(y, float)
        self.coef_ = np.linalg.solve(self.gram_, self.xy_)
        return self

    def fit(self, X, y):
        self.__dict__.pop("gram_", None)
        return self.partial_fit(X, y)

    def predict(self, X):
        return np.column_stack([X, np.ones(len(X))]) @ self.coef_


@pytest.mark.parametrize("experts", ["independent", "residual"])
def test_generic_base_path_equals_ridge_kernel(rng, experts):
    X, y, groups = _data(rng, n=150)
    fast = GroupwiseRegressor(experts=experts).fit(X, y, groups=groups)
    slow = GroupwiseRegressor(base=_GramRidge(), experts=experts).fit(X[:90], y[:90], groups=groups[:90])
    slow.partial_fit(X[90:], y[90:], groups=groups[90:])
    np.testing.assert_allclose(slow.prequential_predictions_, fast.prequential_predictions_, rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(slow.predict(X, groups=groups), fast.predict(X, groups=groups), rtol=1e-9, atol=1e-11)
    np.testing.assert_allclose(slow.expert_predictions(X), fast.expert_predictions(X), rtol=1e-9, atol=1e-11)
    assert len(slow.estimators_) == len(fast.expert_names_) and not hasattr(slow, "coef_")


def test_sgd_base_single_group_equals_its_own_prequential_loop(rng):
    X, y, _ = _data(rng, n=120)
    model = GroupwiseRegressor(base=SGDRegressor(random_state=0), experts="independent", always_on=False).fit(X, y)
    ref, preds = SGDRegressor(random_state=0), []
    for t in range(len(y)):
        preds.append(ref.predict(X[t : t + 1])[0] if t else 0.0)
        ref.partial_fit(X[t : t + 1], y[t : t + 1])
    np.testing.assert_allclose(model.prequential_predictions_, preds, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(model.predict(X), ref.predict(X), rtol=1e-12)


def test_partial_fit_classifier_base(rng):
    X, y, groups = _data(rng, n=200)
    labels = np.digitize(y, np.quantile(y, [0.33, 0.66]))
    clf = GroupwiseClassifier(base=SGDClassifier(loss="log_loss", random_state=0)).fit(X, labels, groups=groups)
    proba = clf.predict_proba(X, groups=groups)
    assert proba.shape == (200, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    with pytest.raises(TypeError, match="predict_proba"):
        GroupwiseClassifier(base=SGDClassifier()).fit(X, labels, groups=groups)  # hinge: no predict_proba
    with pytest.raises(ValueError, match="residual"):
        GroupwiseClassifier(base=SGDClassifier(loss="log_loss"), experts="residual").fit(X, labels, groups=groups)
    with pytest.raises(TypeError, match="partial_fit"):
        GroupwiseRegressor(base=Ridge()).fit(X, y, groups=groups)

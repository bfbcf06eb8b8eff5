"""The shared parameter protocol (BaseObject) and the one random_state rule."""

import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.linear_model import Ridge

from statlearn._base import BaseObject, check_generator, seed_from, spawn_generators
from statlearn._validation import Interval, Options


class Inner(BaseObject):
    _parameter_constraints = {"scale": [Interval("real", 0, None, closed="neither")]}

    def __init__(self, scale=1.0):
        self.scale = scale


class Policy(BaseObject):
    _parameter_constraints = {
        "n_arms": [Interval("integral", 1, None)],
        "kind": [Options("greedy", "ucb")],
        "inner": [Inner, None],
        "random_state": ["random_state"],
    }

    def __init__(self, n_arms=2, kind="greedy", inner=None, weights=None, random_state=None):
        self.n_arms = n_arms
        self.kind = kind
        self.inner = inner
        self.weights = weights
        self.random_state = random_state
        self.resets = 0

    def _after_set_params(self):
        self.resets += 1

    def run(self):
        self._validate_params()
        return check_generator(self.random_state).random(3)


class TestParams:
    def test_names_and_values(self):
        p = Policy(n_arms=3, inner=Inner(2.0))
        assert Policy._get_param_names() == ["inner", "kind", "n_arms", "random_state", "weights"]
        assert p.get_params(deep=False) == {"inner": p.inner, "kind": "greedy", "n_arms": 3,
                                            "random_state": None, "weights": None}
        deep = p.get_params()
        assert deep["inner__scale"] == 2.0 and deep["inner"] is p.inner

    def test_set_params_nested_and_hook(self):
        p = Policy(inner=Inner())
        assert p.set_params(n_arms=5, inner__scale=3.0) is p
        assert p.n_arms == 5 and p.inner.scale == 3.0 and p.resets == 1
        p.set_params()
        assert p.resets == 1  # no parameter, nothing to reset

    def test_unknown_parameter(self):
        with pytest.raises(ValueError, match=r"`n_armz` is not a parameter of Policy; valid parameters: "
                                             r"\['inner', 'kind', 'n_arms', 'random_state', 'weights'\]"):
            Policy().set_params(n_armz=2)
        with pytest.raises(ValueError, match="`bogus` is not a parameter of Inner"):
            Policy(inner=Inner()).set_params(inner__bogus=1)

    def test_validate_params(self):
        Policy(n_arms=3, kind="ucb", inner=Inner(), random_state=np.random.SeedSequence(0))._validate_params()
        with pytest.raises(ValueError, match=r"Policy: `n_arms` must be an int in \[1, inf\); got 0"):
            Policy(n_arms=0).run()
        with pytest.raises(ValueError, match=r"Policy: `kind` must be one of"):
            Policy(kind="eps").run()
        with pytest.raises(TypeError, match=r"Policy: `random_state` must be None, an int >= 0"):
            Policy(random_state="0").run()
        with pytest.raises(ValueError, match=r"Inner: `scale`"):
            Inner(scale=0.0)._validate_params()

    def test_varargs_refused(self):
        class Bad(BaseObject):
            def __init__(self, *args):
                self.args = args

        with pytest.raises(TypeError, match=r"must not take \*args or \*\*kwargs"):
            Bad().get_params()

    def test_no_init_params(self):
        class Empty(BaseObject):
            pass

        assert Empty().get_params() == {} and repr(Empty()) == "Empty()"


class TestReprCloneAndPickle:
    def test_repr_shows_only_changed(self):
        assert repr(Policy()) == "Policy()"
        assert repr(Policy(n_arms=3, kind="ucb")) == "Policy(kind='ucb', n_arms=3)"
        assert repr(Policy(inner=Inner(2.0))) == "Policy(inner=Inner(scale=2.0))"
        assert repr(Policy(weights=np.array([1.0, 2.0]))) == "Policy(weights=array([1., 2.]))"
        assert repr(Policy(n_arms=2.0)) == "Policy(n_arms=2.0)"  # another type is a change

    def test_clone(self):
        p = Policy(n_arms=4, inner=Inner(3.0), random_state=1)
        p.resets = 7
        c = clone(p)
        assert type(c) is Policy and c is not p
        assert c.get_params(deep=False).keys() == p.get_params(deep=False).keys()
        assert c.inner is not p.inner and c.inner.scale == 3.0
        assert c.n_arms == 4 and c.resets == 0  # state is not copied, parameters are
        np.testing.assert_array_equal(c.run(), p.run())

    def test_clone_nested_estimator(self):
        p = Policy(inner=None, weights=Ridge(alpha=2.0))
        c = clone(p)
        assert c.weights is not p.weights and c.weights.alpha == 2.0

    def test_pickle_round_trip(self):
        p = Policy(n_arms=3, inner=Inner(0.5), random_state=4)
        p.resets = 2
        q = pickle.loads(pickle.dumps(p))
        assert q.get_params()["inner__scale"] == 0.5 and q.resets == 2 and repr(q) == repr(p)


class TestCheckGenerator:
    def test_int_is_reproducible(self):
        np.testing.assert_array_equal(check_generator(5).random(4), check_generator(np.int64(5)).random(4))
        assert not np.array_equal(check_generator(5).random(4), check_generator(6).random(4))

    def test_generator_is_shared(self):
        g = np.random.default_rng(0)
        assert check_generator(g) is g

    def test_random_state_and_seed_sequence(self):
        a = check_generator(np.random.RandomState(3)).random(3)
        b = check_generator(np.random.RandomState(3)).random(3)
        np.testing.assert_array_equal(a, b)
        rs = np.random.RandomState(3)
        assert not np.array_equal(check_generator(rs).random(3), check_generator(rs).random(3))
        ss = np.random.SeedSequence(9)
        np.testing.assert_array_equal(check_generator(ss).random(2), np.random.default_rng(9).random(2))

    def test_none_is_fresh(self):
        assert not np.array_equal(check_generator(None).random(4), check_generator(None).random(4))

    @pytest.mark.parametrize("bad, exc", [(1.0, TypeError), ("1", TypeError), (True, TypeError),
                                          (-1, ValueError), (np.random, TypeError)])
    def test_rejected(self, bad, exc):
        with pytest.raises(exc, match="`random_state` must be"):
            check_generator(bad)
        with pytest.raises(exc, match="`seed` must be"):
            check_generator(bad, name="seed")


class TestSpawnAndSeed:
    def test_spawn_independent_and_reproducible(self):
        a = [g.random(3) for g in spawn_generators(0, 3)]
        b = [g.random(3) for g in spawn_generators(0, 3)]
        for u, v in zip(a, b, strict=True):
            np.testing.assert_array_equal(u, v)
        assert len({tuple(u) for u in a}) == 3
        assert spawn_generators(0, 0) == []

    def test_spawn_from_generator_advances(self):
        g = np.random.default_rng(0)
        first = spawn_generators(g, 1)[0].random()
        second = spawn_generators(g, 1)[0].random()
        assert first != second

    def test_spawn_bad(self):
        with pytest.raises(ValueError, match="`n` must be an int >= 0; got -1"):
            spawn_generators(0, -1)
        with pytest.raises(TypeError, match="`random_state` must be"):
            spawn_generators("x", 2)

    def test_seed_from(self):
        s = seed_from(11)
        assert isinstance(s, int) and 0 <= s < 2**31 - 1 and s == seed_from(11)
        assert seed_from(11) != seed_from(12)
        assert Ridge(random_state=seed_from(np.random.RandomState(0))).random_state >= 0
        with pytest.raises(ValueError, match="`random_state` must be an int >= 0"):
            seed_from(-3)

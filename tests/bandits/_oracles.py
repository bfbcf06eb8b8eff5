"""Slow, obviously correct twins of the bandits kernels (plain Python, written from the definitions)."""

import math

import numpy as np
from scipy.optimize import brentq

MASK = (1 << 64) - 1


class Stream:
    """xoshiro256++ (Blackman & Vigna's reference algorithm) and the documented transforms."""

    def __init__(self, state):
        self.s = [int(v) for v in state]

    @staticmethod
    def _rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self._rotl((s[0] + s[3]) & MASK, 23) + s[0]) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self._rotl(s[3], 45)
        return result

    def uniform(self):
        return (self.next() >> 11) * 2.0**-53

    def normal(self):
        u1 = 1.0 - self.uniform()
        u2 = self.uniform()
        return math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def gamma(self, shape):  # Marsaglia & Tsang, boosted below 1
        boost = 1.0
        if shape < 1.0:
            boost = self.uniform() ** (1.0 / shape)
            shape += 1.0
        d = shape - 1.0 / 3.0
        c = 1.0 / math.sqrt(9.0 * d)
        while True:
            x = self.normal()
            v = 1.0 + c * x
            if v <= 0.0:
                continue
            v = v**3
            u = self.uniform()
            if u < 1.0 - 0.0331 * x**4 or math.log(u) < 0.5 * x * x + d * (1.0 - v + math.log(v)):
                return d * v * boost

    def beta(self, a, b):
        x, y = self.gamma(a), self.gamma(b)
        return x / (x + y)


def tally(history, arm, weights):
    """Weighted tally of ``arm`` played now; ``history`` lists the past arms, oldest first."""
    y = weights[0]
    for i in range(1, len(weights)):
        if len(history) >= i and history[-i] == arm:
            y += weights[i]
    return y


def linear(intercept, slope):
    return lambda y: intercept + slope * y


def step(before, after, threshold):
    return lambda y: before if y < threshold else after


def exponential(start, end, rate):
    return lambda y: end + (start - end) * math.exp(-rate * y)


class Env:
    """Tallying environment: ``fs`` mean-loss callables, ``weights``, noise from a Stream."""

    def __init__(self, fs, weights, noise="bernoulli", scale=0.1, stream=None):
        self.fs, self.weights, self.noise, self.scale, self.stream = fs, list(weights), noise, scale, stream
        self.history = []

    def play(self, arm):
        mean = self.fs[arm](tally(self.history, arm, self.weights))
        self.history.append(arm)
        if self.noise == "bernoulli":
            return mean, float(self.stream.uniform() < mean)
        if self.noise == "gaussian":
            return mean, mean + self.scale * self.stream.normal()
        return mean, mean


def _argmin(values):
    return min(range(len(values)), key=lambda a: (values[a], a))


class UCB1:
    def __init__(self, k, c=1.0):
        self.k, self.c = k, c
        self.n = [0] * k
        self.s = [0.0] * k

    def select(self, stream=None):
        for a in range(self.k):
            if self.n[a] == 0:
                return a
        t = sum(self.n)
        return _argmin([self.s[a] / self.n[a] - self.c * math.sqrt(2 * math.log(t) / self.n[a])
                        for a in range(self.k)])

    def update(self, arm, loss):
        self.n[arm] += 1
        self.s[arm] += loss


def kl(p, q):
    v = 0.0
    if p > 0:
        v += p * math.log(p / q)
    if p < 1:
        v += (1 - p) * math.log((1 - p) / (1 - q))
    return v


class KLUCB(UCB1):
    """Lower KL bound solved by Brent's method (independent of the kernel's bisection)."""

    def index(self, a, level):
        p, n = self.s[a] / self.n[a], self.n[a]
        if p == 0 or n * kl(p, 1e-300) <= level:
            return 0.0
        return brentq(lambda q: n * kl(p, q) - level, 1e-300, p, xtol=1e-15)

    def select(self, stream=None):
        for a in range(self.k):
            if self.n[a] == 0:
                return a
        logt = math.log(sum(self.n))
        level = logt + self.c * math.log(max(logt, 1.0))
        return _argmin([self.index(a, level) for a in range(self.k)])


class BernoulliTS:
    def __init__(self, k, a0=1.0, b0=1.0):
        self.a, self.b = [a0] * k, [b0] * k

    def select(self, stream):
        return _argmin([stream.beta(self.a[i], self.b[i]) for i in range(len(self.a))])

    def update(self, arm, loss):
        self.a[arm] += loss
        self.b[arm] += 1 - loss


class GaussianTS:
    def __init__(self, k, scale):
        self.n, self.s, self.scale = [0] * k, [0.0] * k, scale

    def select(self, stream):
        draws = [self.s[a] / (self.n[a] + 1) + self.scale / math.sqrt(self.n[a] + 1) * stream.normal()
                 for a in range(len(self.n))]
        return _argmin(draws)

    def update(self, arm, loss):
        self.n[arm] += 1
        self.s[arm] += loss


class EXP3:
    def __init__(self, k, horizon, lr=None):
        self.k = k
        self.lr = math.sqrt(2 * math.log(max(k, 2)) / (k * horizon)) if lr is None else lr
        self.L = [0.0] * k

    def probs(self):
        lo = min(self.L)
        w = [math.exp(-self.lr * (x - lo)) for x in self.L]
        return [x / sum(w) for x in w]

    def select(self, stream):
        u, acc = stream.uniform(), 0.0
        for a, p in enumerate(self.probs()):
            acc += p
            if u < acc:
                return a
        return self.k - 1

    def update(self, arm, loss):
        self.L[arm] += loss / self.probs()[arm]


class Elimination:
    """Successive elimination: blocks of ``burn + 2**phase`` (WTB) or of 1 (naive, burn = 0)."""

    def __init__(self, k, horizon, burn=0, blocked=True, c=1.0):
        self.k, self.T, self.burn, self.blocked, self.c = k, horizon, burn, blocked, c
        self.active = list(range(k))
        self.n = [0] * k
        self.s = [0.0] * k
        self.phase = 1
        self.order_pos = 0
        self.pos = 0

    def block_len(self):
        return self.burn + 2**self.phase if self.blocked else 1

    def select(self, stream=None):
        if len(self.active) == 1:
            return self.active[0]
        return self.active[self.order_pos]

    def update(self, arm, loss):
        self.pos += 1
        if self.pos > self.burn:
            self.n[arm] += 1
            self.s[arm] += loss
        if len(self.active) == 1:
            return
        if self.pos >= self.block_len():
            self.pos = 0
            self.order_pos += 1
            if self.order_pos == len(self.active):
                rad = {a: self.c * math.sqrt(2 * math.log(max(self.T, 2)) / self.n[a]) for a in self.active}
                mu = {a: self.s[a] / self.n[a] for a in self.active}
                best_up = min(mu[a] + rad[a] for a in self.active)
                self.active = [a for a in self.active if mu[a] - rad[a] <= best_up]
                self.phase += 1
                self.order_pos = 0


class Blocked:
    def __init__(self, base, block, burn=0):
        self.base, self.block, self.burn = base, block, burn
        self.pos, self.arm, self.acc = 0, None, 0.0

    def select(self, stream=None):
        if self.pos == 0:
            self.arm = self.base.select(stream)
        return self.arm

    def update(self, arm, loss):
        self.pos += 1
        if self.pos > self.burn:
            self.acc += loss
        if self.pos == self.block:
            self.base.update(arm, self.acc / (self.block - self.burn))
            self.pos, self.acc = 0, 0.0


class LinUCB:
    """Ridge per arm by solving the normal equations from scratch every round."""

    def __init__(self, k, d, c=1.0, alpha=1.0):
        self.X = [[] for _ in range(k)]
        self.y = [[] for _ in range(k)]
        self.k, self.d, self.c, self.alpha = k, d, c, alpha

    def _model(self, a):
        X = np.array(self.X[a]).reshape(-1, self.d)
        A = self.alpha * np.eye(self.d) + X.T @ X
        theta = np.linalg.solve(A, X.T @ np.array(self.y[a])) if len(self.y[a]) else np.zeros(self.d)
        return A, theta

    def select(self, x, stream=None):
        vals = []
        for a in range(self.k):
            A, theta = self._model(a)
            vals.append(theta @ x - self.c * math.sqrt(x @ np.linalg.solve(A, x)))
        return _argmin(vals)

    def update(self, arm, loss, x):
        self.X[arm].append(np.asarray(x, float))
        self.y[arm].append(loss)


class LinTS(LinUCB):
    def select(self, x, stream=None):
        vals = []
        for a in range(self.k):
            A, theta = self._model(a)
            L = np.linalg.cholesky(np.linalg.inv(A))
            z = np.array([stream.normal() for _ in range(self.d)])
            vals.append((theta + self.c * L @ z) @ x)
        return _argmin(vals)


def complete_policy_regret(means, fs, weights):
    """Cumulative CPR against the best arm repeated from an empty history (brute force)."""
    horizon = len(means)
    best = None
    for a in range(len(fs)):
        env = Env(fs, weights, noise="none")
        seq = np.cumsum([env.play(a)[0] for _ in range(horizon)])
        if best is None or seq[-1] < best[-1]:
            best = seq
    return np.cumsum(means) - best

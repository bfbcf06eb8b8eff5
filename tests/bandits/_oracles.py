"""Slow, obviously correct twins of the bandits kernels (plain Python, written from the definitions)."""

import math

import numpy as np


def tally(history, arm, weights):
    """Weighted tally of ``arm`` played now; ``history`` lists the past arms, oldest first."""
    y = weights[0]
    for i in range(1, len(weights)):
        if len(history) >= i and history[-i] == arm:
            y += weights[i]
    return y


def clip01(v):
    return min(1.0, max(0.0, v))


def linear(intercept, slope):
    return lambda y: clip01(intercept + slope * y)


def step(before, after, threshold):
    return lambda y: clip01(before if y < threshold else after)


def exponential(start, end, rate):
    return lambda y: clip01(end + (start - end) * math.exp(-rate * y))


class Env:
    """Tallying environment: ``fs`` mean-loss callables, ``weights``, noise from a list of draws."""

    def __init__(self, fs, weights, noise="bernoulli", scale=0.1):
        self.fs, self.weights, self.noise, self.scale = fs, list(weights), noise, scale
        self.history = []

    def play(self, arm, draw):
        mean = self.fs[arm](tally(self.history, arm, self.weights))
        self.history.append(arm)
        if self.noise == "bernoulli":
            return mean, float(draw < mean)
        if self.noise == "gaussian":
            return mean, mean + self.scale * draw
        return mean, mean


class UCB1:
    def __init__(self, k, c=1.0):
        self.k, self.c = k, c
        self.n = [0] * k
        self.s = [0.0] * k

    def select(self, u):
        for a in range(self.k):
            if self.n[a] == 0:
                return a
        t = sum(self.n)
        idx = [self.s[a] / self.n[a] - self.c * math.sqrt(2 * math.log(t) / self.n[a]) for a in range(self.k)]
        return int(np.argmin(idx))

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

    def select(self, u):
        acc = 0.0
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
        return self.burn + 2 ** self.phase if self.blocked else 1

    def select(self, u):
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

    def select(self, u):
        if self.pos == 0:
            self.arm = self.base.select(u)
        return self.arm

    def update(self, arm, loss):
        self.pos += 1
        if self.pos > self.burn:
            self.acc += loss
        if self.pos == self.block:
            self.base.update(arm, self.acc / (self.block - self.burn))
            self.pos, self.acc = 0, 0.0


def run(policy, env, u_policy, noise):
    """Plain loop; returns arms, observed losses and expected losses."""
    arms, losses, means = [], [], []
    for t in range(len(u_policy)):
        a = policy.select(u_policy[t])
        mean, loss = env.play(a, noise[t])
        policy.update(a, loss)
        arms.append(a)
        losses.append(loss)
        means.append(mean)
    return np.array(arms), np.array(losses), np.array(means)


def complete_policy_regret(means, fs, weights):
    """Cumulative CPR against the best arm repeated from an empty history (brute force)."""
    horizon = len(means)
    best = None
    for a in range(len(fs)):
        env = Env(fs, weights, noise="none")
        seq = np.cumsum([env.play(a, 0.0)[0] for _ in range(horizon)])
        if best is None or seq[-1] < best[-1]:
            best = seq
    return np.cumsum(means) - best

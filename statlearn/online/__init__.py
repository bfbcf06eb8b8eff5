"""Groupwise-regret online learning over intersecting groups.

One online learner per group, combined by a sleeping-experts rule, gives small
regret on every group's own subsequence at once (Acharya et al., ICLR 2024).
"""

from statlearn.online.experts import SleepingExperts
from statlearn.online.groupwise import GroupwiseClassifier, GroupwiseRegressor
from statlearn.online.learners import OnlineRidge
from statlearn.online.metrics import group_regret, group_regret_curves
from statlearn.online.plotting import GroupRegretDisplay

__all__ = [
    "GroupRegretDisplay",
    "GroupwiseClassifier",
    "GroupwiseRegressor",
    "OnlineRidge",
    "SleepingExperts",
    "group_regret",
    "group_regret_curves",
]

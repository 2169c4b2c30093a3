"""Sampling-error tolerances for the statistical tests.

Synthetic rows are drawn i.i.d. given the real table, so a statistic of m
synthetic rows has a standard error that the synthetic sample itself
estimates; the tests allow ``Z`` of them.  With Z = 5 a single comparison
fails by chance with probability below 1e-6, and every test runs on a
fixed seed, so the suite neither flakes nor passes for free: each test also
checks that a wrong answer (e.g. Uniform's shrinkage) lies far outside the
same tolerance.
"""

import numpy as np

Z = 5.0


def mean_se(x):
    x = np.asarray(x, dtype=float)
    return x.std(ddof=1) / np.sqrt(len(x))


def variance_se(x):
    """Standard error of the sample variance (delta method)."""
    x = np.asarray(x, dtype=float)
    centred = (x - x.mean()) ** 2
    return centred.std(ddof=1) / np.sqrt(len(x))


def covariance_se(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    products = (x - x.mean()) * (y - y.mean())
    return products.std(ddof=1) / np.sqrt(len(x))


def correlation_se(x, y):
    """Standard error of Pearson's r, by the Fisher-z approximation."""
    r = np.corrcoef(x, y)[0, 1]
    return (1 - r**2) / np.sqrt(len(x) - 3)


def population_variance(x):
    return np.var(np.asarray(x, dtype=float))


def population_covariance(x, y):
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return np.mean((x - x.mean()) * (y - y.mean()))

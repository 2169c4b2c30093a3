"""
Choosing δ: fidelity against novelty
====================================

Every :class:`~skmixup.EpBeta` keeps variances, covariances and correlations
exactly.  Its δ decides the rest.  Within a category :math:`l`, the mean of a
continuous column moves towards the overall mean by

.. math:: \\mathbb{E}[\\tilde X \\mid \\tilde L = l] - \\mu_l = \\delta\\,(\\mu - \\mu_l),

so a small δ is **faithful**; but a small δ also keeps each synthetic row close
to one real row (δ = 0 copies rows), so a larger δ is more **novel**.  This
example measures both sides, then shows how far δ can go for a given ε.
"""

# %%
# A table with a category that matters
# ------------------------------------
# Three groups of very different sizes and means, five continuous columns.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.neighbors import NearestNeighbors

from skmixup import ClippedWeight, EpBeta, StructurePreservingMixup, Uniform

rng = np.random.RandomState(0)
n = 3000
group = rng.choice(["a", "b", "c"], size=n, p=[0.6, 0.3, 0.1])
centre = pd.Series(group).map({"a": 0.0, "b": 2.0, "c": 5.0}).to_numpy()
X = pd.DataFrame({f"x{k}": centre / k + rng.normal(size=n) for k in range(1, 6)})
X["group"] = pd.Categorical(group)
features = [f"x{k}" for k in range(1, 6)]
mu, sigma = X["x1"].mean(), X["x1"].std()
mu_c = X.loc[X["group"] == "c", "x1"].mean()
print(f"overall mean of x1 {mu:.2f}, mean in group c {mu_c:.2f}, sd {sigma:.2f}")

# %%
# Fidelity and novelty, as δ grows
# --------------------------------
# *Fidelity*: the mean of ``x1`` within the small group ``c``, synthetic minus
# real, in standard deviations; theory says :math:`\delta(\mu - \mu_c)/\sigma`.
# *Novelty*: the median distance from a synthetic row to the closest real row
# (all five continuous columns standardised).  δ = 0 is a bootstrap: every row is a
# copy, at distance 0.
scale = X[features].std().to_numpy()
nearest = NearestNeighbors(n_neighbors=1).fit(X[features].to_numpy() / scale)


def measure(weights, n_samples=100_000):
    synthetic = StructurePreservingMixup(weights=weights, random_state=0).fit(X).sample(n_samples)
    in_c = synthetic["group"] == "c"
    shift = (synthetic.loc[in_c, "x1"].mean() - mu_c) / sigma
    distance, _ = nearest.kneighbors(synthetic[features].to_numpy()[:5000] / scale)
    return shift, float(np.median(distance)), synthetic["x1"].var() / X["x1"].var()


deltas = np.array([0.0, 0.005, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06])
rows = []
for delta in deltas:
    shift, distance, variance_ratio = measure(EpBeta(delta=delta, epsilon=0.3))
    rows.append(
        {
            "delta": delta,
            "shift of mean in c (sd)": shift,
            "theory": delta * (mu - mu_c) / sigma,
            "median distance to nearest real row": distance,
            "variance ratio": variance_ratio,
        }
    )
uniform = measure(Uniform())
table = pd.DataFrame(rows)
table.round(4)

# %%
# The variance ratio stays at 1 for every δ, while the shift of the group mean
# follows :math:`\delta(\mu - \mu_c)` and the distance to the nearest real row
# grows.  For comparison, uniform weights have contamination
# :math:`u = 0.25` and shrink the variance to 2/3:
print(
    f"Uniform: shift {uniform[0]:.3f} sd (theory {0.25 * (mu - mu_c) / sigma:.3f}), "
    f"distance {uniform[1]:.3f}, variance ratio {uniform[2]:.3f}"
)

# %%
# How far δ can go: :math:`\delta_{\max}(\varepsilon)`
# -----------------------------------------------------
# The variance condition :math:`\mathbb{E}[W^2] = \mathbb{E}[W]` leaves, for each
# ε, a family of laws along which the contamination rises from 0 to a maximum,
# the reach :math:`\delta_{\max}(\varepsilon)`.  It levels off at
# :math:`1/2 - 1/\sqrt{2\pi} \approx 0.101` for a threshold at 0.5;
# :class:`~skmixup.ClippedWeight` reaches further.
epsilons = np.geomspace(0.02, 20, 30)
reach_threshold = [EpBeta.max_delta(e) for e in epsilons]
reach_clipped = [EpBeta.max_delta(e, cut_point=ClippedWeight()) for e in epsilons]
for e in (0.1, 0.3, 0.5, 1.0):
    print(f"epsilon = {e}: delta_max = {EpBeta.max_delta(e):.3f}")

# %%
fig, axes = plt.subplots(1, 3, figsize=(14, 3.9))
axes[0].plot(table["delta"], table["theory"], color="grey", label="theory δ(μ - μ_c)/σ")
axes[0].plot(
    table["delta"], table["shift of mean in c (sd)"], "o", color="tab:blue", label="EpBeta, measured"
)
axes[0].set_xlabel("δ")
axes[0].set_ylabel("shift of the mean of x1 in group c (sd)")
axes[0].set_title("fidelity: smaller is better")
axes[0].legend(fontsize=8)

axes[1].plot(table["delta"], table["median distance to nearest real row"], "o-", color="tab:blue")
axes[1].set_xlabel("δ")
axes[1].set_ylabel("median distance to nearest real row")
axes[1].set_title("novelty: δ = 0 copies rows")

axes[2].semilogx(epsilons, reach_threshold, color="tab:blue", label="threshold τ = 0.5")
axes[2].semilogx(epsilons, reach_clipped, color="tab:green", label="ClippedWeight()")
axes[2].axhline(0.5 - 1 / np.sqrt(2 * np.pi), color="tab:blue", ls=":", lw=1)
axes[2].plot([0.1, 0.3, 0.5, 1.0], [0.031, 0.062, 0.076, 0.090], "k.", label="0.031 / 0.062 / 0.076 / 0.090")
axes[2].plot([0.3], [0.05], "r*", ms=10, label="default: δ = 0.05, ε = 0.3")
axes[2].set_xlabel("ε (ε0 = ε1)")
axes[2].set_ylabel("δmax(ε)")
axes[2].set_title("reach")
axes[2].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %%
# ``epsilon="auto"`` picks, for each δ, the smallest ε that puts δ at 80 % of
# its reach; asking for a δ beyond the reach of a fixed ε is an error that
# names the ε that would reach it.
for delta in (0.02, 0.05, 0.07):
    print(f"delta = {delta}: epsilon='auto' gives epsilon = {EpBeta(delta, epsilon='auto').epsilon_[0]:.3f}")
try:
    EpBeta(delta=0.08, epsilon=0.3).mean()
except ValueError as error:
    print(error)

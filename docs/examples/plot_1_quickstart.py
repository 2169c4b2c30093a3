"""
Structure kept, structure shrunk
================================

A thousand points from a correlated two-dimensional Gaussian,
:math:`\\mathcal N\\bigl(0, \\bigl[\\begin{smallmatrix}1 & 0.9\\\\ 0.9 & 1\\end{smallmatrix}\\bigr]\\bigr)`,
synthesised with three weight laws: the structure-preserving
:class:`~skmixup.EpBeta` (the default) and the classic-mixup weights
:class:`~skmixup.Beta` ``(0.1, 0.1)`` and :class:`~skmixup.Uniform`.

The classic weights live on :math:`[0, 1]`, so they shrink every variance and
covariance by the variance factor :math:`f = 1 - 2(\\mathbb{E}[W] - \\mathbb{E}[W^2])`;
EpBeta has :math:`f = 1`.  This is the first figure of the paper.
"""

# %%
# The data and the three synthesisers
# ------------------------------------
import matplotlib.pyplot as plt
import numpy as np

from skmixup import Beta, EpBeta, StructurePreservingMixup, Uniform

rng = np.random.RandomState(0)
covariance = np.array([[1.0, 0.9], [0.9, 1.0]])
X = rng.multivariate_normal([0.0, 0.0], covariance, size=1000)

laws = {"EpBeta(δ=0.05)": EpBeta(delta=0.05), "Beta(0.1, 0.1)": Beta(0.1, 0.1), "Uniform(0, 1)": Uniform()}
synthetic = {
    name: StructurePreservingMixup(weights=weights, random_state=0).fit(X).sample(5000)
    for name, weights in laws.items()
}

# %%
# Every variance is multiplied by :math:`f`
# -----------------------------------------
# The ratio of synthetic to real variance matches the variance factor of each
# law; the correlation survives every law, because the same weight multiplies
# both columns of a row.
real_cov = np.cov(X.T)
print(f"{'weights':<16}{'f':>7}{'var ratio x1':>14}{'var ratio x2':>14}{'cov ratio':>11}{'corr':>7}")
print(f"{'real':<16}{'':>7}{1:>14.3f}{1:>14.3f}{1:>11.3f}{np.corrcoef(X.T)[0, 1]:>7.3f}")
for name, weights in laws.items():
    cov = np.cov(synthetic[name].T)
    ratio = cov / real_cov
    corr = np.corrcoef(synthetic[name].T)[0, 1]
    print(
        f"{name:<16}{weights.variance_factor():>7.3f}{ratio[0, 0]:>14.3f}{ratio[1, 1]:>14.3f}"
        f"{ratio[0, 1]:>11.3f}{corr:>7.3f}"
    )


# %%
# The picture
# -----------
# Each panel draws the synthetic cloud with the 2-standard-deviation ellipse of
# its own covariance (solid) and of the real data's (dashed).
def ellipse(cov, radius=2.0, n=200):
    """Points of the ellipse {x : x' cov^-1 x = radius²}."""
    angles = np.linspace(0, 2 * np.pi, n)
    circle = np.stack([np.cos(angles), np.sin(angles)])
    return (np.linalg.cholesky(cov) @ circle * radius).T


fig, axes = plt.subplots(1, 4, figsize=(13, 3.6), sharex=True, sharey=True)
colours = ("tab:blue", "tab:orange", "tab:red")
panels = {"real data": (X, "black")} | {
    name: (synthetic[name], colour) for name, colour in zip(laws, colours, strict=True)
}
for ax, (name, (points, colour)) in zip(axes, panels.items(), strict=True):
    ax.scatter(*points[:1000].T, s=3, alpha=0.35, color=colour)
    ax.plot(*ellipse(np.cov(points.T)).T, color=colour, lw=2)
    ax.plot(*ellipse(real_cov).T, color="black", lw=1, ls="--")
    f = laws[name].variance_factor() if name in laws else 1.0
    ax.set_title(f"{name}\nf = {f:.3f}", fontsize=10)
    ax.set_xlim(-4, 4)
    ax.set_ylim(-4, 4)
    ax.set_aspect("equal")
    ax.set_xlabel("$x_1$")
axes[0].set_ylabel("$x_2$")
fig.tight_layout()
plt.show()

# %%
# Uniform weights pull a third of the spread in; :math:`\mathrm{Beta}(0.1, 0.1)`,
# which mostly copies one parent, about 8 %; EpBeta keeps the cloud as it was.
# Its weights reach a little outside :math:`[0, 1]`:
weights = EpBeta(delta=0.05)
draws = weights.rvs(100_000, random_state=0)
print(f"EpBeta(0.05) = EpBeta({weights.alpha_:.2f}, {weights.beta_:.2f}; 0.3, 0.3)")
print(f"support [-0.3, 1.3], E[W] = {weights.mean():.4f}, E[W²] = {weights.second_moment():.4f}")
print(f"share of draws above 1: {np.mean(draws > 1):.2f}, below 0: {np.mean(draws < 0):.4f}")

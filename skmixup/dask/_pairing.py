"""Exact pairing over a partitioned table (SPEC §7): which rows each synthetic row mixes.

Everything here is numpy on row *indices*; no data is read and dask is not
imported, so the law can be tested on its own.

The law to reproduce is the in-memory one: the ``k`` parents of a synthetic
row are uniform over the rows of its stratum (the whole table when there is
none), independent of each other (``distinct=False``) or uniform over
ordered ``k``-tuples of distinct rows (``distinct=True``, the default).
Rows live in ``P`` input partitions; stratum ``g`` has ``n[g, p]`` rows in
partition ``p`` and ``N_g`` in all.  To make ``m`` synthetic rows in ``O``
output partitions:

1. **On the client** (:func:`draw_layout`, tiny arrays): how many rows of
   each stratum every output partition makes, ``m[o, g]``, and for each
   parent list ``k`` the counts of parents that each input partition gives,
   ``c[k, o, g, :] ~ Multinomial(m[o, g], n[g, :] / N_g)``, independently.
2. **In input partition p** (:func:`block_rows`, seeded by the seed, ``p``
   and ``o``): ``c[k, o, g, p]`` positions drawn uniformly, with
   replacement, among the partition's rows of stratum ``g``.
3. **In output partition o** (:func:`plan_output`): each parent list of a
   stratum, concatenated over the input partitions, is permuted uniformly,
   and the ``t``-th synthetic row takes the ``t``-th entry of every list.

Why it is exact.  ``m`` independent uniform draws over the stratum's rows
can be made in two steps: first how many fall in each partition (the
multinomial counts, partition ``p`` being hit with probability
``n[g, p] / N_g``), then, given the counts, where they fall inside each
partition (independent and uniform).  So the list of draws of step 2 has the
law of ``m`` i.i.d. uniform draws *as a multiset*, listed in partition
order.  An i.i.d. sequence is exchangeable: its law is that of a uniformly
random ordering of its multiset, which is what the permutation of step 3
gives.  Each parent list is therefore an i.i.d. uniform sequence, and the
lists are independent of each other (independent counts, draws and
permutations): the ``t``-th entries form i.i.d. uniform ``k``-tuples, as
``draw_parents(..., distinct=False)`` draws them.  Without the
permutations the lists would stay in partition order and pair partition 1
with partition 1.  Splitting the rows into output partitions changes
nothing: each output partition runs this with its own counts, and the
stratum counts ``m[o, :]`` are those of the in-memory draw (multinomial for
a random stratum per row, fixed for exact class counts).

Distinct parents.  Parent ``j >= 1`` of a row that equals one of parents
``0 .. j-1`` (the same global row) is replaced by a row drawn uniformly
among the ``N_g - j`` rows of the stratum not taken yet (by the same
shift-past-the-taken-ranks draw as :func:`skmixup._kernel.draw_parents`),
fetched from wherever it lives.  Given distinct parents ``0 .. j-1`` with
ranks ``T``, the result is uniform over the others: for a row ``b`` not in
``T``,

    P(parent_j = b) = P(first draw = b) + P(first draw in T) / (N_g - j)
                    = 1/N_g + (j / N_g) / (N_g - j) = 1 / (N_g - j),

so by induction over ``j`` the tuple is uniform over ordered tuples of
distinct rows, the in-memory law.  Rows are fixed independently of each
other, so they stay i.i.d.  (What would *not* be exact: redrawing the
second parent inside the same partition, or swapping it with another row's,
or dropping the row, which changes the stratum counts.)  Where a stratum has
fewer rows than parents, the parents repeat, as in memory.

The replacements are known from indices alone, so a first pass over the
output partitions (:func:`plan_output`, no data) lists the rows each input
partition must also send (:func:`partition_requests`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = [
    "Layout",
    "OutputPlan",
    "block_rows",
    "draw_layout",
    "legacy_stream",
    "partition_requests",
    "picked_rows",
    "plan_output",
    "split_rows",
    "stratum_rows",
    "stream",
]

# Independent random streams, told apart by the first word of the spawn key.
_BLOCK, _PAIR, _FIX, _ORDER, _MIX, _LAYOUT = range(6)
#: The stream of output partition ``o`` that weights, identifiers and copies draw from.
MIX_STREAM = _MIX


def stream(seed: int, *key: int) -> np.random.Generator:
    """The generator of one stream: the same for a given seed and key on any machine."""
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


def legacy_stream(seed: int, *key: int) -> np.random.RandomState:
    """A ``RandomState`` for one stream (the weight laws and identifiers take one)."""
    return np.random.RandomState(np.random.MT19937(np.random.SeedSequence(seed, spawn_key=key)))


def split_rows(n_rows: int, n_parts: int) -> np.ndarray:
    """``n_rows`` split into ``n_parts`` consecutive parts as equal as possible (the first ones larger)."""
    sizes = np.full(n_parts, n_rows // n_parts, dtype=np.int64)
    sizes[: n_rows % n_parts] += 1
    return sizes


@dataclass(frozen=True)
class Layout:
    """The client's draw: rows per output partition, stratum and input partition.

    Attributes
    ----------
    seed : int
        Seeds every stream of the draw.
    sizes : ndarray of shape (G, P)
        Rows of stratum ``g`` in input partition ``p``.
    strata : ndarray of shape (O, G)
        Synthetic rows of stratum ``g`` in output partition ``o``.
    counts : ndarray of shape (K, O, G, P)
        Parents of list ``k`` that input partition ``p`` gives to the rows of
        stratum ``g`` in output partition ``o``.
    ordered : bool
        Whether the rows of an output partition come in stratum order (as
        ``fit_resample`` returns them) instead of a random order.
    distinct : bool
        Whether the parents of a row are distinct rows.
    """

    seed: int
    sizes: np.ndarray
    strata: np.ndarray
    counts: np.ndarray
    ordered: bool
    distinct: bool
    first_output: int = 0

    @property
    def n_outputs(self) -> int:
        return self.strata.shape[0]

    @property
    def n_parents(self) -> int:
        return self.counts.shape[0]

    @property
    def output_rows(self) -> np.ndarray:
        """Synthetic rows of each output partition."""
        return self.strata.sum(axis=1)

    @cached_property
    def offsets(self) -> np.ndarray:
        """Where block (k, g, p) starts in output partition o's table of picked rows, shape (K, O, G, P)."""
        by_output = self.counts.transpose(1, 0, 2, 3).reshape(self.n_outputs, -1)
        starts = np.cumsum(by_output, axis=1) - by_output
        return starts.reshape(self.counts.transpose(1, 0, 2, 3).shape).transpose(1, 0, 2, 3)

    def for_output(self, o: int) -> Layout:
        """The layout of output partition ``o`` alone (what its tasks need)."""
        local = o - self.first_output
        return Layout(
            self.seed,
            self.sizes,
            self.strata[local : local + 1].copy(),
            self.counts[:, local : local + 1].copy(),
            self.ordered,
            self.distinct,
            o,
        )

    def for_partition(self, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What input partition ``p`` needs: counts and block offsets (K, O, G), stratum sizes (G,)."""
        return (
            np.ascontiguousarray(self.counts[:, :, :, p]),
            np.ascontiguousarray(self.offsets[:, :, :, p]),
            self.sizes[:, p].copy(),
        )


def draw_layout(
    seed: int,
    sizes: np.ndarray,
    n_outputs: int,
    *,
    n_samples: int | None = None,
    stratum_totals: np.ndarray | None = None,
    ordered: bool = False,
    n_parents: int = 2,
    distinct: bool = True,
) -> Layout:
    """Draw the layout of ``n_samples`` synthetic rows (or ``stratum_totals``) over ``n_outputs`` partitions.

    Parameters
    ----------
    seed : int
    sizes : ndarray of shape (G, P)
        Rows of each stratum in each input partition (one stratum: the table).
    n_outputs : int
        Output partitions; each gets ``split_rows`` of the rows.
    n_samples : int, default=None
        Synthetic rows whose stratum is random: the stratum of the first
        parent, drawn over all rows (``draw_parents`` with no
        ``sample_groups``), so ``strata[o] ~ Multinomial(rows[o], N_g / N)``.
    stratum_totals : ndarray of shape (G,), default=None
        Instead, the exact number of rows of each stratum.  ``ordered``
        puts them in stratum order across the output partitions (stratum 0
        first); otherwise each output partition's share is a uniformly
        random arrangement of them (a multivariate hypergeometric split).
    ordered : bool, default=False
    n_parents : int, default=2
    distinct : bool, default=True

    Returns
    -------
    Layout
    """
    sizes = np.asarray(sizes, dtype=np.int64)
    rng = stream(seed, _LAYOUT)
    totals_per_stratum = sizes.sum(axis=1)
    if stratum_totals is None:
        rows = split_rows(int(n_samples), n_outputs)
        shares = totals_per_stratum / totals_per_stratum.sum()
        strata = rng.multinomial(rows, shares).astype(np.int64)
    else:
        stratum_totals = np.asarray(stratum_totals, dtype=np.int64)
        rows = split_rows(int(stratum_totals.sum()), n_outputs)
        if ordered:
            # Output partition o holds rows [start_o, end_o) of the sequence sorted by stratum.
            ends = np.cumsum(rows)
            starts = ends - rows
            stratum_ends = np.cumsum(stratum_totals)
            stratum_starts = stratum_ends - stratum_totals
            strata = np.clip(
                np.minimum(ends[:, None], stratum_ends[None, :])
                - np.maximum(starts[:, None], stratum_starts[None, :]),
                0,
                None,
            )
        else:
            strata = np.empty((n_outputs, len(stratum_totals)), dtype=np.int64)
            left = stratum_totals.copy()
            for o, size in enumerate(rows):
                strata[o] = rng.multivariate_hypergeometric(left, int(size))
                left -= strata[o]
    counts = np.zeros((n_parents, n_outputs, sizes.shape[0], sizes.shape[1]), dtype=np.int64)
    for g in range(sizes.shape[0]):
        if not strata[:, g].any():
            continue
        share = sizes[g] / totals_per_stratum[g]
        for k in range(n_parents):
            counts[k, :, g] = rng.multinomial(strata[:, g], share)
    return Layout(seed, sizes, strata, counts, bool(ordered), bool(distinct))


def block_rows(seed: int, p: int, o: int, counts_p: np.ndarray, sizes_p: np.ndarray) -> list[np.ndarray]:
    """Positions drawn in input partition ``p`` for output partition ``o``.

    Parameters
    ----------
    counts_p : ndarray of shape (K, G)
        ``counts[:, o, :, p]``.
    sizes_p : ndarray of shape (G,)
        Rows of each stratum in the partition.

    Returns
    -------
    list of ndarray
        For each parent list ``k`` then stratum ``g`` (index ``k * G + g``),
        positions among the partition's rows of stratum ``g``, uniform and
        independent, sorted: the order of a list is the permutation's business
        (:func:`plan_output`), and sorted positions read the partition in order.
    """
    rng = stream(seed, _BLOCK, p, o)
    blocks = []
    for k in range(counts_p.shape[0]):
        for g in range(counts_p.shape[1]):
            count = int(counts_p[k, g])
            drawn = np.sort(rng.integers(0, sizes_p[g], size=count)) if count else np.empty(0, dtype=np.int64)
            blocks.append(drawn)
    return blocks


def _block_offsets(counts_o: np.ndarray) -> np.ndarray:
    """Where each block (k, g, p) of one output partition starts in its table of picked rows."""
    flat = counts_o.reshape(-1)
    return (np.cumsum(flat) - flat).reshape(counts_o.shape)


@dataclass(frozen=True)
class OutputPlan:
    """How output partition ``o`` pairs the rows it receives.

    Its table of picked rows holds the blocks of every input partition in
    the order (parent list, stratum, input partition), then the replacement
    rows; each picked row carries its position in that table (its *key*).

    Attributes
    ----------
    parents : ndarray of shape (m_o, K)
        Positions of each synthetic row's parents in the table of picked rows.
    strata : ndarray of shape (m_o,)
        The stratum of each synthetic row.
    n_block_rows : int
        Rows of the blocks (the replacements follow).
    replacements : (ndarray, ndarray, ndarray)
        Input partition, stratum and position (among the partition's rows
        of that stratum) of each replacement row, in table order.
    """

    parents: np.ndarray
    strata: np.ndarray
    n_block_rows: int
    replacements: tuple[np.ndarray, np.ndarray, np.ndarray]


def plan_output(layout: Layout, o: int, *, replacements_only: bool = False) -> OutputPlan:
    """Pair the parents of output partition ``o`` (see the module docstring).

    Deterministic for a given layout: the task that lists the replacement
    rows and the task that mixes compute the same plan.  ``layout`` may be
    :meth:`Layout.for_output` of ``o``.  ``replacements_only`` leaves the
    plan's ``parents`` and ``strata`` empty (the first task needs only the
    replacements).
    """
    local = o - layout.first_output
    counts = layout.counts[:, local]  # (K, G, P)
    n_parents, n_strata, n_partitions = counts.shape
    offsets = _block_offsets(counts)
    n_block_rows = int(counts.sum())
    check = layout.distinct and n_parents > 1
    if check:
        # The global rank of every drawn row within its stratum tells equal rows apart.
        stratum_starts = np.cumsum(layout.sizes, axis=1) - layout.sizes  # (G, P)
        ranks = [[[] for _ in range(n_strata)] for _ in range(n_parents)]
        for p in range(n_partitions):
            blocks = block_rows(layout.seed, p, o, counts[:, :, p], layout.sizes[:, p])
            for k in range(n_parents):
                for g in range(n_strata):
                    ranks[k][g].append(stratum_starts[g, p] + blocks[k * n_strata + g])
    pair_rng, fix_rng = stream(layout.seed, _PAIR, o), stream(layout.seed, _FIX, o)
    by_stratum = []
    replaced = ([], [], [])
    n_replacements = 0
    for g in range(n_strata):
        rows = int(layout.strata[local, g])
        parents = np.empty((rows, n_parents), dtype=np.int64)
        if rows == 0:
            by_stratum.append(parents)
            continue
        if check:
            parent_ranks = np.empty((rows, n_parents), dtype=np.int64)
        for k in range(n_parents):
            order = pair_rng.permutation(rows)
            parents[:, k] = offsets[k, g, 0] + order  # the (k, g) blocks are consecutive
            if check:
                parent_ranks[:, k] = np.concatenate(ranks[k][g])[order]
        if check:
            total = int(layout.sizes[g].sum())
            for j in range(1, min(n_parents, total)):  # room for j distinct parents
                taken = parent_ranks[:, :j]
                hit = np.flatnonzero((taken == parent_ranks[:, j : j + 1]).any(axis=1))
                if not hit.size:
                    continue
                draw = fix_rng.integers(0, total - j, size=hit.size)
                ordered_taken = np.sort(taken[hit], axis=1)
                for c in range(j):  # shift past each taken rank, in increasing order
                    draw += draw >= ordered_taken[:, c]
                parent_ranks[hit, j] = draw
                parents[hit, j] = n_block_rows + n_replacements + np.arange(hit.size)
                n_replacements += hit.size
                ends = np.cumsum(layout.sizes[g])
                source = np.searchsorted(ends, draw, side="right")
                replaced[0].append(source)
                replaced[1].append(np.full(hit.size, g, dtype=np.int64))
                replaced[2].append(draw - (ends[source] - layout.sizes[g, source]))
        by_stratum.append(parents)
    replacements = tuple(
        np.concatenate(parts) if parts else np.empty(0, dtype=np.int64) for parts in replaced
    )
    if replacements_only:
        return OutputPlan(
            np.empty((0, n_parents), np.int64), np.empty(0, np.int64), n_block_rows, replacements
        )
    strata = np.repeat(np.arange(n_strata), layout.strata[local])
    if n_strata == 1:  # one stratum: every row is alike, their order is already random
        return OutputPlan(by_stratum[0], strata, n_block_rows, replacements)
    if not layout.ordered:
        strata = stream(layout.seed, _ORDER, o).permutation(strata)
    parents = np.empty((len(strata), n_parents), dtype=np.int64)
    # The rows of stratum g take that stratum's pairs, in order: a stable sort lists them.
    parents[np.argsort(strata, kind="stable")] = np.concatenate(by_stratum)
    return OutputPlan(parents, strata, n_block_rows, replacements)


def partition_requests(plans: list[tuple[int, OutputPlan]], n_partitions: int) -> list[np.ndarray]:
    """The replacement rows each input partition sends.

    Parameters
    ----------
    plans : list of (o, OutputPlan)
    n_partitions : int

    Returns
    -------
    list of ndarray of shape (r_p, 4)
        Per input partition: output partition, stratum, position among the
        partition's rows of that stratum, and key (position in the output
        partition's table of picked rows).
    """
    rows = [[] for _ in range(n_partitions)]
    for o, plan in plans:
        source, stratum, position = plan.replacements
        keys = plan.n_block_rows + np.arange(len(source))
        for p in np.unique(source):
            mine = source == p
            columns = [np.full(mine.sum(), o), stratum[mine], position[mine], keys[mine]]
            rows[p].append(np.column_stack(columns))
    return [np.concatenate(r).astype(np.int64) if r else np.empty((0, 4), dtype=np.int64) for r in rows]


def picked_rows(
    layout_p: tuple[np.ndarray, np.ndarray, np.ndarray],
    seed: int,
    p: int,
    stratum_rows: list[np.ndarray],
    requests: np.ndarray,
) -> list[tuple[int, np.ndarray, np.ndarray]]:
    """The rows input partition ``p`` sends to each output partition, with their keys.

    Parameters
    ----------
    layout_p : (counts, offsets, sizes)
        :meth:`Layout.for_partition`.
    seed : int
    p : int
    stratum_rows : list of ndarray
        Positions (in the partition) of each stratum's rows, in order.
    requests : ndarray of shape (r, 4)
        This partition's rows of :func:`partition_requests`.

    Returns
    -------
    list of (o, rows, keys)
        For every output partition that gets rows: their positions in the
        partition and their keys in the output partition's table.
    """
    counts_p, offsets_p, sizes_p = layout_p
    n_parents, n_outputs, n_strata = counts_p.shape
    picked = []
    for o in range(n_outputs):
        counts = counts_p[:, o]
        asked = requests[requests[:, 0] == o]
        if not counts.any() and not len(asked):
            continue
        blocks = block_rows(seed, p, o, counts, sizes_p)
        rows, keys = [], []
        for k in range(n_parents):
            for g in range(n_strata):
                drawn = blocks[k * n_strata + g]
                rows.append(stratum_rows[g][drawn])
                keys.append(offsets_p[k, o, g] + np.arange(drawn.size))
        for g in np.unique(asked[:, 1]):
            mine = asked[asked[:, 1] == g]
            rows.append(stratum_rows[g][mine[:, 2]])
            keys.append(mine[:, 3])
        picked.append((o, np.concatenate(rows).astype(np.int64), np.concatenate(keys).astype(np.int64)))
    return picked


def stratum_rows(labels: np.ndarray | None, n_rows: int, n_strata: int) -> list[np.ndarray]:
    """Positions of each stratum's rows in a partition, in row order (all rows: one stratum)."""
    if labels is None:
        return [np.arange(n_rows, dtype=np.int64)]
    order = np.argsort(labels, kind="stable")
    ends = np.cumsum(np.bincount(labels, minlength=n_strata))
    return [order[end - size : end] for end, size in zip(ends, np.diff(ends, prepend=0), strict=True)]

"""Fitting of the engine's boosted-tree ensemble (dev-only; inference is ``apps.conflicts.engine.boost``)."""

from __future__ import annotations

import math

from apps.conflicts.engine.boost import Tree, tree_value


def _thresholds(col: list[float], max_bins: int) -> list[float]:
    vals = sorted(set(col))
    if len(vals) <= max_bins:
        return [(vals[i] + vals[i + 1]) / 2 for i in range(len(vals) - 1)]
    sc = sorted(col)
    n = len(sc)
    cuts = sorted({sc[min(n - 1, (k * n) // max_bins)] for k in range(1, max_bins)})
    out = []
    for c in cuts:
        nxt = next((v for v in vals if v > c), None)
        if nxt is not None:
            out.append((c + nxt) / 2)
    return sorted(set(out))


def fit(xs: list[list[float]], ys: list[int], ws: list[float], n_classes: int, *, rounds: int = 60,
        depth: int = 3, lr: float = 0.15, l2: float = 1.0, min_hess: float = 5.0, max_bins: int = 16,
        allowed: list[tuple[int, ...]] | None = None, targets: list[tuple[int, ...]] | None = None) -> dict:
    """Multi-class softmax boosting. ``allowed[i]``, when given, lists the classes row i's label was chosen
    from: a data set that never labels duplicates says "conflict, not neutral" — nothing about duplicates —
    so its rows' softmax runs over their own classes only and the other classes get no gradient from them.
    ``targets[i]``, when given, is a set of labels row i may have; its target is the model's own belief
    restricted to that set (a one-label set is the usual one-hot target)."""
    n, d = len(xs), len(xs[0])
    cols = [[x[j] for x in xs] for j in range(d)]
    ths = [_thresholds(cols[j], max_bins) for j in range(d)]
    # bin index of every value: number of thresholds below it
    bins = []
    for j in range(d):
        t = ths[j]
        bj = []
        for v in cols[j]:
            lo, hi = 0, len(t)
            while lo < hi:
                mid = (lo + hi) // 2
                if v <= t[mid]:
                    hi = mid
                else:
                    lo = mid + 1
            bj.append(lo)
        bins.append(bj)
    tot = sum(ws)
    prior = [sum(w for w, y in zip(ws, ys, strict=True) if y == c) / tot for c in range(n_classes)]
    base = [math.log(max(p, 1e-6)) for p in prior]
    f = [list(base) for _ in range(n)]
    trees: list[list[Tree]] = []
    # which rows say nothing about class c (only with ``allowed``), fixed for the whole fit
    excluded = [[bool(allowed) and c not in allowed[i] for i in range(n)] for c in range(n_classes)]
    for _ in range(rounds):
        probs = []
        for i in range(n):
            own = allowed[i] if allowed else None
            m = max(f[i])
            e = [math.exp(v - m) if own is None or c in own else 0.0 for c, v in enumerate(f[i])]
            s = sum(e)
            probs.append([v / s for v in e])
        round_trees = []
        # mass of each row's label set under the current model (only with ``targets``)
        mass = [sum(probs[i][k] for k in targets[i]) or 1.0 for i in range(n)] if targets else []
        for c in range(n_classes):
            out = excluded[c]
            if targets:
                q = [probs[i][c] / mass[i] if c in targets[i] else 0.0 for i in range(n)]
            else:
                q = [1.0 if ys[i] == c else 0.0 for i in range(n)]
            g = [0.0 if out[i] else (probs[i][c] - q[i]) * ws[i] for i in range(n)]
            h = [0.0 if out[i] else max(probs[i][c] * (1 - probs[i][c]), 1e-6) * ws[i] for i in range(n)]
            tree = _build(list(range(n)), g, h, bins, ths, depth, lr, l2, min_hess)
            round_trees.append(tree)
            for i in range(n):
                f[i][c] += tree_value(tree, xs[i])
        trees.append(round_trees)
    return {"type": "boosted_trees", "base": [round(v, 5) for v in base], "trees": trees}


def _build(idx: list[int], g: list[float], h: list[float], bins: list[list[int]], ths: list[list[float]],
           depth: int, lr: float, l2: float, min_hess: float) -> Tree:
    tree: Tree = []

    def leaf(ids: list[int]) -> int:
        gs = sum(g[i] for i in ids)
        hs = sum(h[i] for i in ids)
        tree.append([round(-lr * gs / (hs + l2), 5)])
        return len(tree) - 1

    def grow(ids: list[int], level: int) -> int:
        if level >= depth or len(ids) < 4:
            return leaf(ids)
        gs = sum(g[i] for i in ids)
        hs = sum(h[i] for i in ids)
        parent = gs * gs / (hs + l2)
        best = (1e-9, -1, -1)
        for j, t in enumerate(ths):
            if not t:
                continue
            nb = len(t) + 1
            hg = [0.0] * nb
            hh = [0.0] * nb
            bj = bins[j]
            for i in ids:
                k = bj[i]
                hg[k] += g[i]
                hh[k] += h[i]
            gl = hl = 0.0
            for k in range(nb - 1):
                gl += hg[k]
                hl += hh[k]
                hr = hs - hl
                if hl < min_hess or hr < min_hess:
                    continue
                gr = gs - gl
                gain = gl * gl / (hl + l2) + gr * gr / (hr + l2) - parent
                if gain > best[0]:
                    best = (gain, j, k)
        _, j, k = best
        if j < 0:
            return leaf(ids)
        node = len(tree)
        tree.append([float(j), ths[j][k], -1.0, -1.0])
        left = [i for i in ids if bins[j][i] <= k]
        right = [i for i in ids if bins[j][i] > k]
        tree[node][2] = float(grow(left, level + 1))
        tree[node][3] = float(grow(right, level + 1))
        return node

    grow(idx, 0)
    return tree

"""A tiny gradient-boosted tree ensemble (multi-class softmax), pure Python.

Trees are shallow (depth ≤ 3) and few, stored as JSON lists, so the whole model stays small,
readable and deterministic. ``predict_logits`` is what the classifier runs; fitting lives in the dev-only
``tools.conflicts.boost_fit`` (``tools.conflicts.calibrate``).

A tree is a flat list of nodes; an inner node is ``[feature_index, threshold, left, right]``
(go left when ``x[feature] <= threshold``), a leaf is ``[value]``.
"""

from __future__ import annotations

from collections.abc import Sequence

Tree = list[list[float]]


def tree_value(tree: Tree, x: Sequence[float]) -> float:
    node = tree[0]
    while len(node) == 4:
        node = tree[int(node[2])] if x[int(node[0])] <= node[1] else tree[int(node[3])]
    return node[0]


def predict_logits(model: dict, x: Sequence[float]) -> list[float]:
    """Class logits: base + the sum of every round's tree for that class."""
    fn = model.get("_compiled")
    if fn is None:
        fn = model["_compiled"] = compile_model(model)
    return fn(x)


def _expr(tree: Tree, i: int = 0) -> str:
    node = tree[i]
    if len(node) != 4:
        return repr(float(node[0]))
    return (f"({_expr(tree, int(node[2]))} if x[{int(node[0])}] <= {float(node[1])!r} "
            f"else {_expr(tree, int(node[3]))})")


def compile_model(model: dict):
    """Turn the trees into one Python function (nested conditional expressions), ~10x faster than walking
    the node lists; the generated source holds only integers, floats and comparisons."""
    base = [float(v) for v in model["base"]]
    lines = ["def _logits(x):"]
    for c in range(len(base)):
        terms = [_expr(round_trees[c]) for round_trees in model["trees"]] or ["0.0"]
        lines.append(f"    l{c} = {base[c]!r} + " + " + ".join(terms))
    lines.append("    return [" + ", ".join(f"l{c}" for c in range(len(base))) + "]")
    namespace: dict = {}
    exec(compile("\n".join(lines), "<boosted_trees>", "exec"), namespace)  # noqa: S102 - our own numbers only
    return namespace["_logits"]

"""Our own workstream fixture: conflict precision must stay high and kinds must be named right."""

import json
from pathlib import Path

from apps.conflicts.engine import Statement, classify

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "workstream_pairs.jsonl"


def load():
    return [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]


def verdicts():
    out = []
    for row in load():
        a = Statement("a", row["a"], 0, len(row["a"]), row.get("meta_a", {}))
        b = Statement("b", row["b"], 0, len(row["b"]), row.get("meta_b", {}))
        out.append((row, classify(a, b)))
    return out


def test_fixture_is_big_enough_and_covers_every_kind():
    rows = load()
    assert len(rows) >= 60
    kinds = {r["kind"] for r in rows if r["label"] == "conflict"}
    assert kinds >= {"numeric", "exclusive_choice", "negation", "scope", "terminology", "priority", "other"}
    assert {r["label"] for r in rows} == {"conflict", "duplicate", "neutral"}


def test_conflict_precision_recall_and_kinds():
    vs = verdicts()
    tp = sum(1 for r, v in vs if r["label"] == "conflict" and v.label == "conflict")
    fp = sum(1 for r, v in vs if r["label"] != "conflict" and v.label == "conflict")
    fn = sum(1 for r, v in vs if r["label"] == "conflict" and v.label != "conflict")
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    assert precision >= 0.9, precision
    assert recall >= 0.8, recall
    right_kind = sum(1 for r, v in vs if r["label"] == "conflict" and v.label == "conflict" and v.kind == r["kind"])
    assert right_kind / tp >= 0.9


def test_duplicates_are_not_called_conflicts():
    vs = verdicts()
    dups = [(r, v) for r, v in vs if r["label"] == "duplicate"]
    assert all(v.label != "conflict" for _, v in dups)
    assert sum(v.label == "duplicate" for _, v in dups) / len(dups) >= 0.8

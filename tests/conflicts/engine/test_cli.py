import io
import json

from tools.conflicts import cli


def test_classify_lines():
    lines = [json.dumps({"id": "p1", "a": "The portal must be hosted on AWS.", "b": "The portal will run on Azure."})]
    out = io.StringIO()
    assert cli.classify_lines(lines, out) == 1
    row = json.loads(out.getvalue())
    assert row["id"] == "p1" and row["label"] == "conflict" and row["kind"] == "exclusive_choice"
    assert set(row) == {"id", "label", "kind", "score", "explanation"}


def test_scan_lines():
    lines = [json.dumps({"id": i, "text": t}) for i, t in [
        ("x", "Customer logs must be retained for at least 24 months."),
        ("y", "Customer logs must be deleted within 90 days."),
        ("z", "Consent timestamps are stored in UTC."),
    ]]
    out = io.StringIO()
    assert cli.scan_lines(lines, out) == 1
    row = json.loads(out.getvalue())
    assert (row["a"], row["b"], row["label"], row["kind"]) == ("x", "y", "conflict", "numeric")


def test_evaluate_reports_groups_mcc_and_scan_view():
    red, green, logs = "The map shall be shown in red.", "The map shall be shown in green.", "Logs are kept for a year."
    rows = [
        {"id": "tfcdn-uav-1", "a": red, "b": green, "label": "conflict"},
        {"id": "tfcdn-uav-2", "a": red, "b": logs, "label": "neutral"},
        {"id": "tfcdn-uav-3", "a": green, "b": logs, "label": "neutral"},
        {"id": "own-1", "a": "Use AWS.", "b": "Use Azure for hosting.", "label": "conflict"},
    ]
    out = io.StringIO()
    res = cli.evaluate([json.dumps(r) for r in rows], out)
    text = out.getvalue()
    assert "MCC" in text and "scan view" in text and "overall" in text
    assert res["tfcdn-uav"]["scan_f1"] == 1.0
    assert set(res) == {"tfcdn-uav", "own", "overall"}


def test_mcc_matches_known_values():
    assert abs(cli.mcc(["a", "b", "a", "b"], ["a", "b", "a", "b"]) - 1.0) < 1e-9
    assert abs(cli.mcc(["a", "b", "a", "b"], ["b", "a", "b", "a"]) + 1.0) < 1e-9


def test_bench_small():
    out = io.StringIO()
    res = cli.bench(60, out, runs=3)
    assert res["statements"] > 100
    assert "incremental check" in out.getvalue() and "full scan" in out.getvalue()

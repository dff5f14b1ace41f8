from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .conftest import DELETE, LOYALTY, RETAIN


def _run(*args: str) -> str:
    out = StringIO()
    call_command("conflicts", *args, stdout=out)
    return out.getvalue()


def test_classify_prints_one_json_line_per_pair(tmp_path):
    path = tmp_path / "pairs.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"id": "p1", "a": RETAIN, "b": DELETE}, {"id": "p2", "a": LOYALTY, "b": LOYALTY},
        {"id": "p3", "a": RETAIN, "b": "The shop opens at nine."}]) + "\n")
    rows = [json.loads(line) for line in _run("classify", str(path)).splitlines()]
    assert [(r["id"], r["label"]) for r in rows] == [("p1", "conflict"), ("p2", "duplicate"), ("p3", "neutral")]
    assert set(rows[0]) == {"id", "label", "kind", "score", "explanation"} and rows[0]["kind"] == "numeric"


def test_scan_prints_one_json_line_per_finding(tmp_path):
    path = tmp_path / "doc.jsonl"
    path.write_text("\n".join(json.dumps({"id": i, "text": t}) for i, t in
                              [("s1", RETAIN), ("s2", "The shop opens at nine."), ("s3", DELETE)]))
    rows = [json.loads(line) for line in _run("scan", str(path)).splitlines()]
    assert [(r["a"], r["b"], r["label"], r["kind"]) for r in rows] == [("s1", "s3", "conflict", "numeric")]
    assert {"a", "b", "label", "kind", "score"} <= set(rows[0])


def test_eval_prints_per_label_scores_and_mcc(tmp_path):
    path = tmp_path / "labelled.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [
        {"id": "x-1", "a": RETAIN, "b": DELETE, "label": "conflict"},
        {"id": "x-2", "a": LOYALTY, "b": LOYALTY, "label": "duplicate"},
        {"id": "x-3", "a": RETAIN, "b": "The shop opens at nine.", "label": "neutral"}]))
    out = _run("eval", str(path))
    assert "conflict" in out and "F1=" in out and "macro-F1=" in out and "MCC=" in out


def test_bench_prints_the_timings():
    out = _run("bench", "--inputs", "30", "--no-scan")
    assert "incremental check of one new input: median" in out and "peak memory" in out


def test_a_missing_file_or_a_bad_line_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        _run("classify", str(tmp_path / "nope.jsonl"))
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json}\n")
    with pytest.raises(CommandError, match="Bad input"):
        _run("classify", str(bad))
    with pytest.raises(CommandError, match="--yes"):
        _run("bench-db", "--inputs", "5")


@pytest.mark.django_db
def test_bench_db_times_the_in_django_check(settings):
    out = _run("bench-db", "--inputs", "20", "--runs", "3", "--yes")
    assert "incremental check of one new input, end to end: median" in out


def test_eval_ko_scores_the_korean_rows_only(tmp_path):
    path = tmp_path / "ko.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": "k1", "lang": "ko", "domain": "hr", "a": "급여 명세서는 최소 5년 동안 보관해야 한다.",
         "b": "급여 명세서는 1년 후에 삭제한다.", "label": "conflict", "kind": "numeric"},
        {"id": "k2", "lang": "ko", "domain": "hr", "a": "급여 명세서는 10년 동안 보관한다.",
         "b": "급여 명세서는 120개월간 보존한다.", "label": "duplicate", "kind": "duplicate"},
        {"id": "k3", "lang": "ko", "domain": "it", "a": "구내식당은 금요일에 특식을 제공한다.",
         "b": "데이터 웨어하우스는 매주 스냅샷을 만든다.", "label": "neutral", "kind": "unrelated"},
        {"id": "e1", "lang": "en", "a": RETAIN, "b": DELETE, "label": "neutral"}]) + "\n", encoding="utf-8")
    text = _run("eval-ko", str(path))
    assert "pairs 3  macro-F1 1.000" in text and "per domain macro-F1: hr" in text
    assert "numeric→numeric 1" in text


def test_bench_ko_times_the_incremental_check_on_korean_inputs():
    text = _run("bench-ko", "--inputs", "30")
    assert "bench-ko: 30 Korean inputs" in text and "incremental check of one new input: median" in text

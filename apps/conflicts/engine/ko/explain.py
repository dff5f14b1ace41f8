"""One sentence a PMO can read aloud, in Korean for Korean pairs (and in both languages for mixed pairs)."""

from __future__ import annotations

from collections.abc import Mapping

_KO = {
    "numeric": "{a}은(는) “{va}”, {b}은(는) “{vb}”로 같은 대상에 양립할 수 없는 수치를 정했습니다.",
    "exclusive_choice": "{a}은(는) “{va}”, {b}은(는) “{vb}”를 택해 하나만 고를 수 있는 선택이 엇갈립니다.",
    "negation": "{a}은(는) 허용하거나 요구하는 것을 {b}은(는) 금지합니다: “{ta}” / “{tb}”.",
    "scope": "적용 범위가 다릅니다: {a}은(는) “{va}”, {b}은(는) “{vb}”.",
    "terminology": "같은 용어를 다르게 정의합니다: {a}은(는) “{va}”, {b}은(는) “{vb}”.",
    "priority": "우선순위가 엇갈립니다: {a}은(는) “{va}”, {b}은(는) “{vb}”로 봅니다.",
    "process": "절차가 엇갈립니다: {a}은(는) “{va}”, {b}은(는) “{vb}” — “{ta}” / “{tb}”.",
    "other": "{a}와(과) {b}의 요구가 서로 맞지 않습니다: “{ta}” / “{tb}”.",
    "duplicate": "{a}와(과) {b}이(가) 같은 요구를 다른 말로 적었습니다: 하나로 합칠 수 있습니다.",
    "overlap": "{a}와(과) {b}의 요구가 겹칩니다: 한쪽이 다른 쪽의 일부를 말합니다.",
}
_EN = {
    "numeric": "{a} says “{va}” and {b} says “{vb}”: figures for the same thing that cannot both hold.",
    "exclusive_choice": "{a} picks “{va}” and {b} picks “{vb}”: one choice, two different options.",
    "negation": "{a} allows or requires what {b} forbids.",
    "scope": "{a} covers “{va}” while {b} covers “{vb}”: a different scope.",
    "terminology": "{a} and {b} define the same term differently.",
    "priority": "{a} rates it “{va}” and {b} “{vb}”.",
    "process": "{a} and {b} disagree on a required step.",
    "other": "{a} and {b} ask for things that cannot both hold.",
    "duplicate": "{a} and {b} say the same thing in other words: a merge candidate.",
    "overlap": "{a} and {b} overlap: one says part of what the other says.",
}
_VALUE_KO = {"prohibit": "금지", "permit": "허용", "must": "의무", "neg": "하지 않음", "필수 절차": "필수 절차",
             "생략": "생략"}


def _short(s: str, limit: int = 60) -> str:
    s = " ".join(s.split())
    return s if len(s) <= limit else s[: limit - 1] + "…"


def explain(kind: str, values: tuple[str, str], ta: str, tb: str, meta_a: Mapping[str, str],
            meta_b: Mapping[str, str], *, mixed: bool = False) -> str:
    a = meta_a.get("workstream") or "A"
    b = meta_b.get("workstream") or "B"
    va, vb = (_VALUE_KO.get(v, v) for v in values)
    fields = {"a": a, "b": b, "va": _short(va), "vb": _short(vb), "ta": _short(ta), "tb": _short(tb)}
    ko = _KO.get(kind, _KO["other"]).format(**fields)
    if not mixed:
        return ko
    return _EN.get(kind, _EN["other"]).format(**fields) + " / " + ko

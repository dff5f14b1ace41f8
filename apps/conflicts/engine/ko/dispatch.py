"""The engine's entry points for Korean: which pairs go where, and the terms Korean statements are indexed by.

``classify_if_korean`` is called first by ``classifier.classify``: it returns ``None`` for a pair of English (or
unreadable) statements, so the English path is untouched, and a ``Verdict`` for Korean pairs and for mixed
Korean–English pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..choices import DEFAULT_CHOICE_SETS, ChoiceSet
from ..classifier import Verdict
from ..quantities import relation
from .analysis import analyse_ko
from .bridge import english_concepts
from .catalogue import matcher_for
from .classify import NEUTRAL, classify_ko, dice
from .explain import explain
from .lang import detect_language
from .options import negated_options

_LAST: list = [None, None]  # the choice sets last seen and their matcher


def _matcher(choice_sets: Sequence[ChoiceSet]):
    """The matcher for these choice sets. The same object comes with every pair of a check or scan, so it is
    recognised by identity first: hashing a tuple of choice sets for each pair cost more than classifying it."""
    if _LAST[0] is not choice_sets:
        _LAST[0], _LAST[1] = choice_sets, matcher_for(tuple(choice_sets))
    return _LAST[1]


UNSUPPORTED = Verdict("neutral", "", 0.0, "unsupported_language", "")


def classify_if_korean(ta: str, tb: str, meta_a: Mapping[str, str], meta_b: Mapping[str, str],
                       choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS) -> Verdict | None:
    la, lb = detect_language(ta), detect_language(tb)
    if "other" in (la, lb):
        return UNSUPPORTED  # a language detection cannot read is never guessed at; the input page says so
    if la != "ko" and lb != "ko":
        return None
    matcher = _matcher(choice_sets)
    if la == lb == "ko":
        return classify_ko(analyse_ko(ta), analyse_ko(tb), matcher.mentions(ta), matcher.mentions(tb),
                           meta_a, meta_b)
    if la == "ko":
        v = _mixed(ta, tb, meta_a, meta_b, matcher)
    else:
        v = _mixed(tb, ta, meta_b, meta_a, matcher)
        v = Verdict(v.label, v.kind, v.score, v.rule, v.explanation, (v.values[1], v.values[0]), v.spans_b,
                    v.spans_a)
    return v


def _mixed(ko: str, en: str, meta_ko: Mapping[str, str], meta_en: Mapping[str, str], matcher) -> Verdict:
    """A Korean and an English statement, compared on language-neutral slots only."""
    from ..analysis import analyse

    kn, enn = analyse_ko(ko), analyse(en)
    concepts = english_concepts(kn.content)
    shared = concepts & enn.content
    d = dice(concepts, enn.content) if concepts else 0.0

    def hit(kind: str, values: tuple[str, str], sa=(), sb=()) -> Verdict:
        rule = "choice_set" if kind == "exclusive_choice" else kind
        return Verdict("conflict", kind, round(0.8 * (0.7 + 0.3 * min(1.0, d / 0.5)), 3), rule,
                       explain(kind, values, ko, en, meta_ko, meta_en, mixed=True), values, tuple(sa), tuple(sb))

    mk, me = matcher.mentions(ko), matcher.mentions(en)
    neg_k = negated_options(ko, mk)
    for set_name in {m[0] for m in mk} & {m[0] for m in me}:
        pk = {m[1] for m in mk if m[0] == set_name} - neg_k
        pe = {m[1] for m in me if m[0] == set_name}
        if pk and pe and not (pk & pe) and (shared or set_name not in ("cadence", "weekday")):
            ok, oe = sorted(pk)[0], sorted(pe)[0]
            return hit("exclusive_choice", (ok, oe), [(m[2], m[3]) for m in mk if m[1] == ok],
                       [(m[2], m[3]) for m in me if m[1] == oe])
    if not shared:
        return NEUTRAL
    for x in kn.quantities:
        for y in enn.quantities:
            if x.dim != y.dim or (x.role != y.role and x.role and y.role):
                continue
            rel = relation(x, y)
            # two shared concepts: "customer data" / "고객 데이터", not just "customer" ("… interaction logs")
            if rel == "conflict" and len(shared) >= 2:
                return hit("numeric", (x.text, y.text), [(x.start, x.end)], [(y.start, y.end)])
            if rel == "equal" and len(shared) >= 2:
                return Verdict("duplicate", "duplicate", 0.8, "same_content",
                               explain("duplicate", (ko, en), ko, en, meta_ko, meta_en, mixed=True), (ko, en),
                               ((0, len(ko)),), ((0, len(en)),))
    prohibit_ko = kn.modality == "prohibit"
    prohibit_en = enn.modality == "neg"
    if prohibit_ko != prohibit_en and (kn.modality or enn.modality) and len(shared) >= 2 and d >= 0.3:
        return hit("negation", (kn.modality or "허용", enn.modality or "allow"))
    return NEUTRAL


def index_terms(text: str, choice_sets: Sequence[ChoiceSet]) -> tuple[str, ...] | None:
    """Index terms of a Korean statement (``None`` for other text): its lemmas, the English concepts they gloss
    to (so English statements about the same thing come up as candidates), its options and measures."""
    lang = detect_language(text)
    if lang == "other":
        return ()  # never compared (see classify_if_korean), so never a candidate
    if lang != "ko":
        return None
    an = analyse_ko(text)
    terms = set(an.content) | set(english_concepts(an.content))
    for set_name, _canon, _s, _e in _matcher(choice_sets).mentions(text):
        terms.add(f"choice:{set_name}")
    for q in an.quantities:
        if q.role:
            terms.add(f"role:{q.role}")
    if an.definition:
        terms.update(f"def:{w}" for w in an.definition[0])
    return tuple(sorted(terms))

"""Slot analysis: what each statement *sets*, compared across two statements that name things differently.

Two workstreams rarely use the same words for one requirement ("sessions end after five idle minutes" /
"stay signed in for 30 days"; "Entra ID is the identity provider" / "sign in with Okta"). The word-diff
rules in ``classifier`` need a shared subject; this stage reads *slots* instead — the product chosen for a
function, a quantity of one dimension, the priority, the process step, the owner, the scope, the
polarity of the action, a definition — and compares the values of the same slot on both sides. Two
statements count as about the same thing when their content words are restated by the other side
(exact, a shared stem, or WordNet), which is the *alignment* each slot rule asks for.

Every slot rule is a ``SlotRule``: a name, the parameters it reads, a docstring and an example table
(``examples``: pairs it must and must not fire on — the unit tests run them). ``SLOT_RULES`` is the
declared order.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache

from . import wordnet
from .analysis import Analysis
from .choices import ChoiceMatcher, is_product_category
from .quantities import Quantity, relation

Span = tuple[int, int]


@dataclass(frozen=True)
class SlotHit:
    """One slot whose values clash: the conflict kind, how sure, the two values and where they are."""

    rule: str
    kind: str
    strength: float
    values: tuple[str, str]
    spans_a: tuple[Span, ...]
    spans_b: tuple[Span, ...]
    decides: bool = True


class SlotPair:
    """Two analysed statements plus what the slot rules share: alignment (computed on first use, since most
    candidate pairs are dismissed by their cue words alone) and choice mentions."""

    def __init__(self, a: Analysis, b: Analysis, matcher: ChoiceMatcher) -> None:
        self.a, self.b, self.matcher = a, b, matcher

    @cached_property
    def _aligned(self) -> tuple[float, int]:
        return alignment(self.a.content, self.b.content)

    @property
    def alignment(self) -> float:
        """Share of content words (both sides) the other side restates."""
        return self._aligned[0]

    @property
    def restated(self) -> int:
        return self._aligned[1]


@dataclass(frozen=True)
class SlotRule:
    """A named slot comparison. ``params`` are the thresholds it reads; ``examples`` its table."""

    name: str
    kind: str
    fn: Callable[[SlotPair, dict[str, float]], SlotHit | None]
    params: dict[str, float] = field(default_factory=dict)
    examples: tuple[tuple[str, str, bool], ...] = ()
    # False for a conflict slot: it only *names* the kind of a conflict the model found, its cue words being too
    # common inside one specification to make a conflict on their own; False for a merge slot: it only re-reads
    # a neutral verdict, never a model conflict (ablation in docs/detection.md)
    decides: bool = True

    def __call__(self, sp: SlotPair) -> SlotHit | None:
        return self.fn(sp, self.params)


# ------------------------------------------------------------------------------------------ alignment

_FIGURE_NOISE = frozenset({"day", "days", "hour", "hours", "minute", "minutes", "week", "weeks", "month", "months",
                           "year", "years", "second", "seconds", "time", "times", "least", "most", "per", "every",
                           "each", "all", "only", "one", "first", "new", "within", "under", "over", "less", "more",
                           "than", "after", "before", "up", "maximum", "minimum", "later", "earlier", "above", "below",
                           "exceed", "longer", "shorter", "faster", "slower"})


def _restated(w: str, others: frozenset[str]) -> bool:
    if w in others:
        return True
    if len(w) >= 5 and any(len(o) >= 5 and o[:5] == w[:5] for o in others):
        return True
    return wordnet.restated_by(w, others)


@lru_cache(maxsize=65536)
def alignment(a: frozenset[str], b: frozenset[str]) -> tuple[float, int]:
    """(share of content words restated by the other side, count), figure words left out."""
    ca, cb = a - _FIGURE_NOISE, b - _FIGURE_NOISE
    if not ca or not cb:
        return 0.0, 0
    ra = sum(1 for w in ca if _restated(w, cb))
    rb = sum(1 for w in cb if _restated(w, ca))
    return (ra + rb) / (len(ca) + len(cb)), ra + rb


def slot_pair(a: Analysis, b: Analysis, matcher: ChoiceMatcher) -> SlotPair:
    return SlotPair(a, b, matcher)


@lru_cache(maxsize=400_000)
def _find(cue: re.Pattern[str], text: str) -> re.Match[str] | None:
    """A cue searched once per statement, not once per candidate pair."""
    return cue.search(text)


# ------------------------------------------------------------------------------------------ products


def _product_choice(sp: SlotPair, prm: dict[str, float]) -> SlotHit | None:
    """Two different products (or generic options) for one function: one organisation runs one of them.

    Product categories (the catalogue and an engagement's own sets) need no other shared word; a generic
    decision (hosting model, processing mode, topology, sourcing …) needs ``min_align_generic``. When one
    side names several options of the category (a list, a migration) the options must be disjoint."""
    ma, mb = sp.matcher.mentions(sp.a.text), sp.matcher.mentions(sp.b.text)
    if not ma or not mb:
        return None
    for m in ma:
        if m.negated:
            continue
        pos_a = {x.option for x in ma if x.set_name == m.set_name and not x.negated}
        neg_a = {x.option for x in ma if x.set_name == m.set_name and x.negated}
        pos_b = {x.option for x in mb if x.set_name == m.set_name and not x.negated}
        neg_b = {x.option for x in mb if x.set_name == m.set_name and x.negated}
        if not pos_b and not neg_b:
            continue
        if not is_product_category(m.set_name) and sp.alignment < prm["min_align_generic"]:
            continue
        clash = (pos_a and pos_b and not pos_a & pos_b) or pos_a & neg_b or pos_b & neg_a
        if not clash:
            continue
        other = next(x for x in mb if x.set_name == m.set_name and (x.option not in pos_a or x.negated))
        return SlotHit("product_choice", "exclusive_choice", prm["strength"], (m.text, other.text),
                       ((m.start, m.end),), ((other.start, other.end),))
    return None


# ------------------------------------------------------------------------------------------ quantities

def _dims(x: Quantity, y: Quantity) -> bool:
    if x.dim.startswith("count:") or y.dim.startswith("count:") or x.dim in {"year", ""}:
        return x.dim == y.dim and x.dim.startswith("count:") and x.dim != "count:"
    if x.dim != y.dim or (x.role != y.role and "" not in (x.role, y.role)):  # kept vs response time
        return False
    return not (x.qualifier and y.qualifier and x.qualifier != y.qualifier)


def _quantity(sp: SlotPair, prm: dict[str, float]) -> SlotHit | None:
    """The measured thing gets two incompatible figures of one dimension (time, money, size, %, rate …),
    after unit conversion and comparators. The subjects may be named differently, so the pair needs only
    ``min_align`` of its content words restated and every figure of that dimension must clash (a figure
    that agrees on one side means the other figure measures something else)."""
    qa = [q for q in sp.a.quantities if q.dim not in {"count:", "year"}]
    qb = [q for q in sp.b.quantities if q.dim not in {"count:", "year"}]
    if not qa or not qb or sp.alignment < prm["min_align"]:
        return None
    for x in qa:
        ys = [y for y in qb if _dims(x, y)]
        if not ys:
            continue
        rels = [relation(x, y) for y in ys]
        if all(r == "conflict" for r in rels):
            y = ys[0]
            return SlotHit("quantity", "numeric", prm["strength"], (x.text, y.text), ((x.start, x.end),),
                           ((y.start, y.end),))
    return None


# ------------------------------------------------------------------------------------------ cue slots

def _cue(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_PRIORITY_HIGH = _cue(
    r"\bmust[- ]haves?\b|\bgo-?live\b|\bday one\b|\bfrom day 1\b|\bfirst (?:release|version|app version|wave)\b|"
    r"\brelease (?:1|one)\b|\b(?:at|for|on the day .{0,30}) launch(?:es)?\b|\bat launch\b|\bmvp\b|\bmandatory\b|"
    r"\bfrom the start\b|\blaunch scope\b|\bon the day\b.{0,40}\blaunch")
_PRIORITY_LOW = _cue(
    r"\bout of scope\b|\bnot (?:in|part of) (?:the |this )?(?:scope|programme|program|project|launch|release|mvp)|"
    r"\b(?:later|next|future|second) (?:phase|release|version|wave)\b|\bphase (?:2|3|two|three)\b|"
    r"\bon the roadmap for\b|\bwon'?t[- ]have\b|\bdeferred\b|\bpostponed\b|\bnext year\b|\bwill not build\b|"
    r"\bnot planned\b|\boff the (?:product )?roadmap\b|\bdescoped\b|\bde-scoped\b|\bnice[- ]to[- ]have\b|"
    r"\bnot (?:be )?(?:included|delivered)\b|\bfollow in\b|\bmoves? to a later\b|\bnot part of\b")


def _priority(sp: SlotPair, prm: dict[str, float]) -> SlotHit | None:
    """Priority slot: must-have / go-live / first release on one side, out of scope / later phase / won't
    have on the other, for the same capability (``min_align`` of the words restated)."""
    ha, la = _find(_PRIORITY_HIGH, sp.a.text), _find(_PRIORITY_LOW, sp.a.text)
    hb, lb = _find(_PRIORITY_HIGH, sp.b.text), _find(_PRIORITY_LOW, sp.b.text)
    for hi, lo, swap in ((ha, lb, False), (hb, la, True)):
        if hi and lo and not (la if not swap else lb):
            x, y = (lo, hi) if swap else (hi, lo)
            if sp.alignment < prm["min_align"]:
                return None
            return SlotHit("priority", "priority", prm["strength"], (x.group(0), y.group(0)),
                           ((x.start(), x.end()),), ((y.start(), y.end()),))
    return None


_STEP_REQUIRED = _cue(
    r"\bapprov(?:al|ed|es|e)\b|\bsign[- ]?off\b|\bsigned off\b|\b(?:reviewed|checked|inspected|validated|verified|"
    r"countersigned|authori[sz]ed) by\b|\bfour[- ]eyes\b|\bsecond approver\b|\bmust be (?:reviewed|checked|"
    r"inspected|approved)\b|\bneeds? (?:a |an )?(?:review|check|approval|sign-off)\b")
_STEP_SKIPPED = _cue(
    r"\bautomatic(?:ally)?\b|\bwithout (?:any |a |an )?(?:\w+ )?(?:approval|review|sign-off|check|inspection)\b|"
    r"\bno (?:separate |manual |further )?(?:\w+ )?(?:review|sign-off|approval|check|underwriter|approver)\b|"
    r"\bstraight (?:away|from|to)\b|\bdirectly\b|\bimmediately\b|\bas soon as\b|\bon (?:their|his|her) own "
    r"(?:signature|authority)\b|\bself-service\b|\bskip\w*\b|\bbypass\w*\b")
_OWNER_VERB = _cue(r"\bowns?\b|\bowner\b|\bresponsib\w+\b|\bbelongs? to\b|\bmaintains?\b|\bmanaged by\b|"
                   r"\bruns?\b|\bin charge of\b|\bhandled by\b|\baccountable\b")
_TEAM = _cue(r"\b((?:[A-Za-z-]+ ){0,2}(?:team|department|desk|unit|office|officers?|managers?|clerks?|lead|"
             r"group|engineering|operations|IT|finance|vendor|supplier|agents?|handlers?))\b")


def _teams(text: str) -> set[str]:
    out = set()
    for m in _TEAM.finditer(text):
        words = [w for w in m.group(1).lower().split() if w not in {"the", "a", "an", "our", "their", "its", "each",
                                                                       "every", "any", "all", "by", "of", "and"}]
        if words:
            out.add(words[-1] if len(words) == 1 else " ".join(words[-2:]))
    return out


def _process(sp: SlotPair, prm: dict[str, float]) -> SlotHit | None:
    """Process slot: an approval or check one side requires and the other skips (automatically, without
    review), or one thing owned by two different teams."""
    ra, sa = _find(_STEP_REQUIRED, sp.a.text), _find(_STEP_SKIPPED, sp.a.text)
    rb, sb = _find(_STEP_REQUIRED, sp.b.text), _find(_STEP_SKIPPED, sp.b.text)
    if ra and sb and not sa:
        if sp.alignment < prm["min_align"]:
            return None
        return SlotHit("process", "process", prm["strength"], (ra.group(0), sb.group(0)),
                       ((ra.start(), ra.end()),), ((sb.start(), sb.end()),))
    if rb and sa and not sb:
        if sp.alignment < prm["min_align"]:
            return None
        return SlotHit("process", "process", prm["strength"], (sa.group(0), rb.group(0)),
                       ((sa.start(), sa.end()),), ((rb.start(), rb.end()),))
    oa, ob = _find(_OWNER_VERB, sp.a.text), _find(_OWNER_VERB, sp.b.text)
    if oa and ob:
        ta, tb = _teams(sp.a.text), _teams(sp.b.text)
        if ta and tb and not ta & tb:
            if sp.alignment < prm["min_align"]:
                return None
            return SlotHit("owner", "process", prm["strength"], (sorted(ta)[0], sorted(tb)[0]),
                           ((oa.start(), oa.end()),), ((ob.start(), ob.end()),))
    return None


_ALL = _cue(r"\b(?:all|every|each|everyone|everybody|entire|whole|company-wide|organisation-wide|"
            r"any|always|whatever)\b")
_SOME = _cue(r"\bonly\b|\bpilot\b|\bselected\b|\bsome\b|\ba few\b|\blimited to\b|\bsubset\b|\bjust\b|"
             r"\bexcept\b|\bexcluding\b|\bexempt\b|\btrial\b|\bfirst wave\b|\bsingle (?:region|site|branch|country)\b|"
             r"\bcertain\b|\bspecific\b|\bno other\b")


def _scope(sp: SlotPair, prm: dict[str, float]) -> SlotHit | None:
    """Scope slot: everyone / every case on one side, only some / a pilot group / an exception on the
    other, for the same thing (``min_align``)."""
    aa, sa_ = _find(_ALL, sp.a.text), _find(_SOME, sp.a.text)
    ab, sb_ = _find(_ALL, sp.b.text), _find(_SOME, sp.b.text)
    if aa and sb_ and not sa_:
        if sp.alignment < prm["min_align"]:
            return None
        return SlotHit("scope", "scope", prm["strength"], (aa.group(0), sb_.group(0)),
                       ((aa.start(), aa.end()),), ((sb_.start(), sb_.end()),))
    if ab and sa_ and not sb_:
        if sp.alignment < prm["min_align"]:
            return None
        return SlotHit("scope", "scope", prm["strength"], (sa_.group(0), ab.group(0)),
                       ((sa_.start(), sa_.end()),), ((ab.start(), ab.end()),))
    return None


_DEFINES = _cue(r"\b(?:is|are) defined as\b|\bmeans?\b|\bcounts? as\b|\bwe (?:call|define|count|consider)\b|"
                r"\b(?:is|are) considered\b|\bqualif(?:y|ies) as\b|\brefers? to\b|\b(?:is|are) classed as\b|"
                r"\bdefinition of\b|\b(?:is|are) (?:a|an|any) \w+ (?:who|that|which|whose)\b|\bonly when\b|"
                r"\bas soon as\b|\bonce\b")


def _definition(sp: SlotPair, prm: dict[str, float]) -> SlotHit | None:
    """Definition slot: both statements say what a term means (defined as / counts as / is a … who) and
    they are about the same term (``min_align``)."""
    da, db = _find(_DEFINES, sp.a.text), _find(_DEFINES, sp.b.text)
    if not da or not db:
        return None
    if sp.alignment < prm["min_align"]:
        return None
    return SlotHit("definition", "terminology", prm["strength"], (sp.a.text[da.start():], sp.b.text[db.start():]),
                   ((da.start(), da.end()),), ((db.start(), db.end()),))


_FORBID = _cue(r"\b(?:must|shall|may|will|can|should) not\b|\bcannot\b|\bcan't\b|\bnever\b|"
               r"\bnot (?:allowed|permitted)\b|\bprohibited\b|\bforbidden\b|\bno longer\b|\bnothing\b|\bnot be\b|"
               r"\bis not\b|\bare not\b|\bdo not\b|"
               r"\bdoes not\b|\bwon't\b|\bnone\b|\bno \w+ (?:is|are|will|may)\b")


_ANY_NEGATION = _cue(r"\bnot\b|n't\b|\bnever\b|\bno\b|\bnone\b|\bnobody\b|\bnothing\b|\bwithout\b")


def _polarity(sp: SlotPair, prm: dict[str, float]) -> SlotHit | None:
    """Polarity slot: one side forbids or denies what the other requires or permits (same action,
    ``min_align`` of the words restated)."""
    fa, fb = _find(_FORBID, sp.a.text), _find(_FORBID, sp.b.text)
    if bool(fa) == bool(fb):
        return None
    f = fa or fb
    assert f is not None
    if fa:
        if sp.alignment < prm["min_align"]:
            return None
        return SlotHit("polarity", "negation", prm["strength"], (f.group(0), sp.b.text), ((f.start(), f.end()),), ())
    if sp.alignment < prm["min_align"]:
        return None
    return SlotHit("polarity", "negation", prm["strength"], (sp.a.text, f.group(0)), (), ((f.start(), f.end()),))


SLOT_RULES: tuple[SlotRule, ...] = (
    SlotRule("product_choice", "exclusive_choice", _product_choice, {"min_align_generic": 0.1, "strength": 0.85}, (
        ("Microsoft Entra ID is the identity provider for every application.",
         "Staff sign in to all systems with Okta as the sole identity source.", True),
        ("Reports are built in Tableau.", "Tableau dashboards refresh hourly.", False),
    )),
    SlotRule("priority", "priority", _priority, {"min_align": 0.15, "strength": 0.85}, (
        ("Live chat is a must-have for go-live.", "Live chat is on the won't-have list for this programme.", True),
        ("Live chat is a must-have for go-live.", "Live chat must be staffed from 8 am.", False),
    )),
    SlotRule("process", "process", _process, {"min_align": 0.15, "strength": 0.8}, (
        ("Every recipe change needs approval from quality assurance.",
         "A recipe change takes effect automatically when the engineer saves it.", True),
        ("The maintenance team owns the machine master data.",
         "Production engineering maintains the machine master data.", True),
    )),
    SlotRule("definition", "terminology", _definition, {"min_align": 0.2, "strength": 0.75}, (
        ("An active customer is defined as one who logged in within 90 days.",
         "An active customer means anyone with a funded account.", True),
    )),
    SlotRule("quantity", "numeric", _quantity, {"min_align": 0.15, "strength": 0.8}, (
        ("Every banking session ends after at most five minutes without activity.",
         "Mobile customers stay signed in for at least 30 days in a session.", True),
        ("Loan data is kept for at least two years.", "Loan data must be deleted within five years.", False),
    )),
    SlotRule("scope", "scope", _scope, {"min_align": 0.25, "strength": 0.75}, decides=False, examples=(
        ("Every branch offers video appointments.", "Video appointments are offered in pilot branches only.", True),
    )),
    SlotRule("polarity", "negation", _polarity, {"min_align": 0.3, "strength": 0.75}, decides=False, examples=(
        ("Customers may pay by card on delivery.", "Card payment on delivery is not allowed.", True),
    )),
)


# ------------------------------------------------------------------------------------------ agreement

def _same_figures(sp: SlotPair, prm: dict[str, float]) -> SlotHit | None:
    """Every figure one side gives has an equal figure of the same dimension on the other side, after unit
    conversion ("5 working days" / "five business days", "8 years" / "96 months", "every 15 minutes" /
    "four times an hour"), and ``min_align`` of the words are restated: one requirement in two wordings."""
    if not sp.a.quantities or not sp.b.quantities or _asymmetric(sp, _FORBID) or _asymmetric(sp, _SOME):
        return None  # no figures, or one side forbids or restricts what the other states
    if sp.alignment < prm["min_align"]:
        return None
    # counts are left out: "two alarms" in both says nothing about the rest of the sentence
    qa = [q for q in sp.a.quantities if q.dim != "year" and not q.dim.startswith("count:")]
    qb = [q for q in sp.b.quantities if q.dim != "year" and not q.dim.startswith("count:")]
    if not qa or not qb:
        return None
    for x in qa:
        ys = [y for y in qb if _dims(x, y)]
        if not ys or not any(relation(x, y) == "equal" for y in ys):
            return None
    for y in qb:
        if not any(_dims(x, y) and relation(x, y) == "equal" for x in qa):
            return None
    return SlotHit("same_figures", "duplicate", prm["strength"], (qa[0].text, qb[0].text),
                   tuple((q.start, q.end) for q in qa), tuple((q.start, q.end) for q in qb))


_LIST = _cue(r"\w[\w-]*(?: [\w-]+){0,3}, (?:[\w-]+ ){0,3}[\w-]+,? (?:and|or) |\b(?:both|either)\b .{1,40} (?:and|or) ")


def _asymmetric(sp: SlotPair, cue: re.Pattern[str]) -> bool:
    return bool(_find(cue, sp.a.text)) != bool(_find(cue, sp.b.text))


def _list_part(sp: SlotPair, prm: dict[str, float]) -> SlotHit | None:
    """One side lists several items (a, b and c) and the other asks for part of that list: an overlap. The
    shorter side must be mostly restated by the longer (``min_cover``), and neither side may restrict or forbid
    what the other does not ("only", "must not"): taking items away from a list is then the point."""
    if _asymmetric(sp, _FORBID) or _asymmetric(sp, _SOME):
        return None
    for big, small, flip in ((sp.a, sp.b, False), (sp.b, sp.a, True)):
        if not _LIST.search(big.text) or _LIST.search(small.text):
            continue
        cs = small.content - _FIGURE_NOISE
        if not cs:
            continue
        cover = sum(1 for w in cs if _restated(w, big.content)) / len(cs)
        if cover >= prm["min_cover"]:
            values = (small.text, big.text) if flip else (big.text, small.text)
            return SlotHit("list_part", "overlap", prm["strength"], values, (), ())
    return None


MERGE_RULES: tuple[SlotRule, ...] = (
    SlotRule("same_figures", "duplicate", _same_figures, {"min_align": 0.2, "strength": 0.75}, (
        ("A new debit card reaches the customer within 5 working days.",
         "Customers receive their new debit card no later than five business days after ordering it.", True),
        ("Patients may cancel an appointment up to 24 hours before.", "Patients may cancel up to 48 hours before.",
         False),
    )),
    # a list part never overrules a model conflict (decides=False): dropping items is how many variants contradict
    SlotRule("list_part", "overlap", _list_part, {"min_cover": 0.5, "strength": 0.7}, decides=False, examples=(
        ("The dashboard shows open claims, cycle time and reserves per line.",
         "Claims managers need to see the cycle time per line.", True),
    )),
)


def slot_hits(sp: SlotPair, rules: tuple[SlotRule, ...] = SLOT_RULES, disabled: frozenset[str] = frozenset()
              ) -> list[SlotHit]:
    """Every slot rule's hit, in declared order (the first names the kind)."""
    out = []
    for r in rules:
        if r.name in disabled:
            continue
        h = r(sp)
        if h is not None:
            out.append(h if r.decides else replace(h, decides=False))
    return out


SLOT_FEATURES: tuple[str, ...] = ("s_alignment", "s_restated") + tuple(
    f"s_{r.name}" for r in SLOT_RULES + MERGE_RULES)


def slot_features(sp: SlotPair) -> dict[str, float]:
    """The slot rules as model features: alignment, and 1.0 for each slot rule that fires."""
    out = {"s_alignment": sp.alignment, "s_restated": float(sp.restated)}
    for r in SLOT_RULES + MERGE_RULES:
        out[f"s_{r.name}"] = 1.0 if r(sp) is not None else 0.0
    return out


def fallback_kind(sp: SlotPair) -> str:
    """The kind of a conflict the model found when no slot rule fired: the first slot whose cue words differ
    between the two sides, without the alignment the rules ask for (the model already judged the pair to be
    about one thing). "other" when nothing differs."""
    if _find(_DEFINES, sp.a.text) and _find(_DEFINES, sp.b.text):
        return "terminology"
    if _asymmetric(sp, _PRIORITY_LOW):
        return "priority"
    if _asymmetric(sp, _STEP_REQUIRED) or _asymmetric(sp, _STEP_SKIPPED):
        return "process"
    if _asymmetric(sp, _FORBID) or _asymmetric(sp, _ANY_NEGATION):
        return "negation"
    if _asymmetric(sp, _SOME) or _asymmetric(sp, _ALL):
        return "scope"
    if any(_dims(x, y) and relation(x, y) == "conflict" for x in sp.a.quantities for y in sp.b.quantities
           if not x.dim.startswith("count:") and x.dim != "year"):
        return "numeric"
    return "other"

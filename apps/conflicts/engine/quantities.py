"""Quantities with comparators and units, normalised to an interval in a base unit.

"at least 24 months" -> Quantity(dim="time", low=63072000, high=inf)
"within 90 days" after a deletion verb -> retention upper bound 90 days.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import KEEP_VERBS, NUMBER_WORDS, REMOVE_VERBS, STOPWORDS

INF = math.inf

# unit word -> (dimension, factor to the base unit)
_DAY = 86400.0
UNITS: dict[str, tuple[str, float]] = {}
# imperial unit words: a figure converted to or from them is usually rounded coarsely ("20 miles" / "30 km")
IMPERIAL: set[str] = set()


def _unit(dim: str, factor: float, *names: str, imperial: bool = False) -> None:
    for name in names:
        UNITS[name] = (dim, factor)
    if imperial:
        IMPERIAL.update(names)


_unit("time", 0.001, "ms", "msec", "msecs", "millisecond", "milliseconds")
_unit("time", 1.0, "s", "sec", "secs", "second", "seconds")
_unit("time", 60.0, "min", "mins", "minute", "minutes")
_unit("time", 3600.0, "h", "hr", "hrs", "hour", "hours")
_unit("time", _DAY, "d", "day", "days", "business-day", "business-days")
_unit("time", 7 * _DAY, "wk", "wks", "week", "weeks")
# a month and a quarter are a twelfth and a fourth of the year, so "12 months" is "one year", not 0.05 % short
_YEAR = 365 * _DAY
_unit("time", _YEAR / 12, "mo", "mos", "month", "months")
_unit("time", _YEAR / 4, "quarter", "quarters")
_unit("time", _YEAR, "y", "yr", "yrs", "year", "years")
_unit("time", 10 * _YEAR, "decade", "decades")
_unit("size", 1.0, "b", "byte", "bytes")
_unit("size", 1e3, "kb", "kilobyte", "kilobytes")
_unit("size", 1024.0, "kib")
_unit("size", 1e6, "mb", "megabyte", "megabytes")
_unit("size", 1024.0**2, "mib")
_unit("size", 1e9, "gb", "gigabyte", "gigabytes")
_unit("size", 1024.0**3, "gib")
_unit("size", 1e12, "tb", "terabyte", "terabytes")
_unit("size", 1024.0**4, "tib")
_unit("size", 1e15, "pb", "petabyte", "petabytes")
_unit("bandwidth", 1e3, "kbps", "kbit/s")
_unit("bandwidth", 1e6, "mbps", "mbit/s")
_unit("bandwidth", 1e9, "gbps", "gbit/s")
_unit("length", 0.001, "mm", "millimeter", "millimeters", "millimetre", "millimetres")
_unit("length", 0.01, "cm", "centimeter", "centimeters", "centimetre", "centimetres")
_unit("length", 1.0, "m", "meter", "meters", "metre", "metres")
_unit("length", 1000.0, "km", "kilometer", "kilometers", "kilometre", "kilometres")
_unit("length", 0.3048, "ft", "feet", "foot", imperial=True)
_unit("length", 0.0254, "in", "inch", "inches", imperial=True)
_unit("length", 1609.344, "mi", "mile", "miles", imperial=True)
_unit("percent", 1.0, "%", "percent", "per-cent", "pct")
_unit("frequency", 1.0, "hz", "fps")
_unit("frequency", 1e3, "khz")
_unit("frequency", 1e6, "mhz")
_unit("frequency", 1e9, "ghz")
_unit("angle", 1.0, "degree", "degrees", "deg", "°")
_unit("resolution", 1.0, "p")
_unit("money:usd", 1.0, "$", "usd", "dollar", "dollars")
_unit("money:eur", 1.0, "€", "eur", "euro", "euros")
_unit("money:gbp", 1.0, "£", "gbp", "pound", "pounds")
_unit("money:chf", 1.0, "chf")

_MULTIPLIERS = {"k": 1e3, "hundred": 1e2, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6, "millions": 1e6,
                "bn": 1e9, "b": 1e9, "billion": 1e9}

_PER = {"second": 1.0, "sec": 1.0, "s": 1.0, "minute": 60.0, "min": 60.0, "hour": 3600.0, "h": 3600.0,
        "hr": 3600.0, "day": _DAY, "week": 7 * _DAY, "month": _YEAR / 12, "year": _YEAR}

_LOWER = (r"at least|at or above|no earlier th[ae]n|not earlier th[ae]n|no less? th[ae]n|not less? th[ae]n|"
          r"no fewer th[ae]n|a minimum of|minimum of|minimum|min\.?|"
          r"more th[ae]n|greater th[ae]n|longer th[ae]n|over|above|exceeding|exceeds?|in excess of|upwards of|"
          r">=|≥|>|from")
_UPPER = (r"at most|at or below|no later th[ae]n|not later th[ae]n|no more th[ae]n|not more th[ae]n|up to|"
          r"a maximum of|maximum of|maximum|max\.?|less? th[ae]n|limited to|capped at|restricted to|"
          r"fewer th[ae]n|under|below|within|no longer th[ae]n|not longer th[ae]n|shorter th[ae]n|faster th[ae]n|"
          r"not exceed(?:ing)?|not to exceed|<=|≤|<|by|before|max")
# strict comparators: on a count of whole things "more than 4" means at least 5
_STRICT_RE = re.compile(r"(?:more|greater|fewer|less?|longer|shorter)\s+th[ae]n|over|above|under|below|"
                        r"exceeding|exceeds?|in excess of|[<>]")
# prepositions that are comparators only right before a figure ("above 700 feet", not "above a 70 story building")
_SPATIAL = frozenset({"over", "above", "under", "below"})
_EXACT = r"exactly|precisely|equal to|=|after|every|for|between"

# "within the radius of 20 miles", "within a period of 30 days": the comparator still bounds the figure
_SPAN_OF = r"(?:(?:radius|range|distance|period|span|window|time ?frame)\s+of\s+)?"
# "20 miles plus or minus 2 miles": a tolerance around the figure
_TOLERANCE_RE = re.compile(r"\s*(?:plus or minus|\+/-|\+-|±)\s*(\d+(?:\.\d+)?)\s*([a-zA-Z%°]+)?")
# a number that names an item rather than measuring it: "priority 1 incidents", "phase 2", "level 3 support"
_ITEM_LABELS = (r"(priority|severity|sev|level|tier|phase|stage|step|release|version|sprint|wave|grade|class|"
                r"category|type|chapter|section|article|appendix|room|gate|lane|zone)")
_ITEM_LABEL_BEFORE_RE = re.compile(rf"\b{_ITEM_LABELS}\s+$", re.IGNORECASE)
_ITEM_RE = re.compile(rf"\b{_ITEM_LABELS}\s+(\d+(?:\.\d+)?)\b", re.IGNORECASE)
# a bare number right after a name written with capitals (not the first word of the sentence)
_VERSION_OF_RE = re.compile(r"(?<=\w)[ ,]+([A-Za-z]*[A-Z][\w.+-]*)\s+$")
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_TIME_MODIFIERS = r"business|working|calendar|consecutive|rolling|full|whole|flight|clock"
_TIME_UNIT_WORDS = r"seconds?|minutes?|hours?|days?|weeks?|months?|years?"
_WORDNUM = "|".join(sorted((w for w in NUMBER_WORDS if w not in {"single"}), key=len, reverse=True))

QUANTITY_RE = re.compile(
    rf"(?:(?P<cmp>{_LOWER}|{_UPPER}|{_EXACT})\s+(?:the\s+|an?\s+)?{_SPAN_OF})?"
    rf"(?P<cur>[$€£])?\s?(?<![\w.,])(?P<num>{_NUM}|(?:{_WORDNUM})\b)"
    rf"(?:\s?(?:-|to|and)\s?(?P<num2>{_NUM}))?"
    rf"(?:\s?(?P<mult>k|hundred|thousand|million|millions|mn|bn|billion)\b)?"
    # "5 business days", "100 flight hours", "28 consecutive days": a word between the figure and its time unit
    rf"(?:\s(?:{_TIME_MODIFIERS})(?=\s(?:{_TIME_UNIT_WORDS})\b))?"
    rf"\s?-?\s?(?P<unit>%|°|(?!(?:or|and|at|to)\b|in\s+(?:every|each|the|an?|\d|(?:{_WORDNUM})\b)\b)[a-zA-Z][a-zA-Z/\-]*)?"
    r"(?P<suffix>\s*(?:or (?:more|greater|larger|bigger|less|fewer|smaller|higher|lower|longer|shorter|above|"
    r"below|faster|later|newer)|"
    r"and (?:above|up|over|below|later|newer|higher)|"
    r"at (?:the )?(?:least|most)|minimum|maximum))?",
    re.IGNORECASE,
)

# percentiles and the like qualify *which* measure a number constrains
QUALIFIER_RE = re.compile(r"\b(p\d{2,3}|\d{2}(?:th|st|nd|rd) percentile|median|average|mean|peak|"
                          r"worst[- ]case|typical|day[- ]?time|daylight|day|night[- ]?t?ime|night|weekday|weekend)\b",
                          re.IGNORECASE)


_KEEP_RE = re.compile(r"\b(?:" + "|".join(sorted(KEEP_VERBS)) + r")\b")


@dataclass(frozen=True)
class Quantity:
    dim: str
    low: float
    high: float
    text: str
    start: int
    end: int
    qualifier: str = ""
    role: str = ""  # "retention" when the number bounds how long data is kept
    unit: str = ""
    direction: str = "exact"  # "lower", "upper", "exact" or "range"
    strict: bool = False  # "less than 720p", "over 2 hours": the bound itself is excluded

    @property
    def exact(self) -> bool:
        return self.low == self.high


def _to_float(token: str) -> float | None:
    token = token.lower().replace(",", "")
    if token in NUMBER_WORDS:
        return float(NUMBER_WORDS[token])
    try:
        return float(token)
    except ValueError:
        return None


def _classify_cmp(cmp: str | None, suffix: str | None) -> str:
    if suffix:
        s = suffix.strip().lower()
        if any(w in s for w in ("more", "greater", "larger", "bigger", "higher", "longer", "above", "up", "over",
                                "least", "minimum", "later", "newer")):
            return "lower"
        return "upper"
    if not cmp:
        return "exact"
    c = cmp.lower().strip()
    if re.fullmatch(_LOWER, c):
        return "lower"
    if re.fullmatch(_UPPER, c):
        return "upper"
    return "exact"


# "shall not be rostered for more than 100 hours", "must not take longer than 2 s": a negated modal before a
# strict comparator is a bound the other way round (at most 100 hours), not a prohibition
NEGATED_BOUND_RE = re.compile(
    r"\b(?:must|shall|should|will|may|can|could|do|does|is|are)\s+not\s+(?:[a-z]+\s+){1,5}?"
    r"(?P<cmp>(?:more|less|fewer|longer|shorter|greater|later|earlier)\s+th[ae]n|over|above|under|below)\s+"
    rf"(?=[\d$€£]|(?:{_WORDNUM})\b)", re.IGNORECASE)
_CMP_BEFORE = rf"(?:(?P<cmp>{_LOWER}|{_UPPER}|{_EXACT}|until|not before)\s+)?"
_AMPM = r"(?P<ampm>[ap]\.?m\b\.?)"
# "23:59", "11:59 pm", "5 pm", "noon": a time of day, in minutes after midnight
_CLOCK_RE = re.compile(_CMP_BEFORE + rf"(?:(?P<h>\d{{1,2}}):(?P<m>[0-5]\d)(?:\s?{_AMPM})?|(?P<h2>\d{{1,2}})\s?"
                       rf"{_AMPM.replace('ampm', 'ampm2')}|(?P<noon>noon|midday)\b)", re.IGNORECASE)
# "twice per minute", "three times a day": a recurrence, read as the period between two occurrences
_TIMES_RE = re.compile(_CMP_BEFORE + rf"(?:(?P<once>once|twice|thrice)|(?P<n>{_NUM}|{_WORDNUM})\s+times)\s+"
                       r"(?:per|a|an|each|every)\s+(?P<unit>second|minute|hour|day|week|month|year)\b",
                       re.IGNORECASE)
# "half an hour", "a quarter of an hour", "half a day"
_FRACTION_RE = re.compile(_CMP_BEFORE + r"(?:(?:a|one)\s+)?(?P<frac>half|quarter)\s+(?:of\s+)?an?\s+"
                          r"(?P<unit>second|minute|hour|day|week|month|year)\b", re.IGNORECASE)
# "5 in every 1,000", "1 out of 10": a proportion, in percent
_RATIO_RE = re.compile(_CMP_BEFORE + rf"(?P<a>{_NUM}|{_WORDNUM})\s+(?:in|out of)\s+(?:every\s+|each\s+)?"
                       rf"(?P<b>{_NUM}|{_WORDNUM})\b",
                       re.IGNORECASE)
# "for a decade", "within a day", "after a year": one unit written with an article, read only after a
# comparator or "for" (bare "a day" is usually a rate: "24 hours a day")
_ONE_UNIT_RE = re.compile(rf"(?P<cmp>{_LOWER}|{_UPPER}|for|after|until)\s+(?:a|an|one)\s+"
                          r"(?:full\s+|whole\s+|single\s+)?(?P<unit>decade|fortnight|year|month|week|day|hour|minute|second)\b(?!\s*(?:'s|or|and|\w+ly\b))",
                          re.IGNORECASE)
# "one location fix per minute", "a single upload per day", "3 reports per week": a number of events per unit of
# time, read as the period between two of them (like "once per minute")
_PER_EVENT_RE = re.compile(rf"{_CMP_BEFORE}(?:just\s+|only\s+)?(?P<n>{_NUM}|{_WORDNUM}|an?)\s+"
                           r"(?P<noun>(?:[a-z-]+\s+){0,2}?[a-z-]+)\s+per\s+"
                           r"(?P<unit>second|minute|hour|day|week|month|year)\b", re.IGNORECASE)
# continuous service written out ("24/7", "around the clock", "24 hours a day, 7 days a week", "at any time of the
# day or night"): the share of time covered, 100 %, so two wordings of it are one figure
_ALWAYS_RE = re.compile(
    r"(?P<cmp>)\b(?:24\s?/\s?7(?:\s?/\s?365)?|24\s?x\s?7|"
    r"24 hours a day(?:,? (?:7|seven) days a week)?(?:,? 365 days a year)?|"
    r"(?:a|the|)\s?round[- ]the[- ]clock|around[- ]the[- ]clock|day and night|day or night|night and day|"
    r"at any (?:time|hour)(?: of (?:the )?(?:day|night|day or night|day and night))?|"
    r"(?:every|each) (?:single )?day of the (?:year|week)|all day,? every day|365 days a year|"
    r"without (?:any )?(?:break|interruption|downtime)s?)\b", re.IGNORECASE)
# kept for ever: a retention without end ("kept permanently", "never deleted", "archived indefinitely")
_FOREVER_RE = re.compile(r"(?P<cmp>)\b(?:permanently|forever|for ever|indefinitely|in perpetuity|never (?:be )?"
                         r"(?:deleted|purged|removed|destroyed|erased|discarded)|never (?:delete|purge|remove|destroy|"
                         r"erase|discard))\b", re.IGNORECASE)
_ONCE = {"once": 1, "twice": 2, "thrice": 3}
_PHRASE_HINT_RE = re.compile(r"\d|\b(?:once|twice|thrice|times|half|quarter|noon|midday|decade|fortnight|per|"
                             r"a|an|one|for|within|after|clock|day|night|any|permanently|forever|indefinitely|perpetuity|never|"
                             rf"without|{_WORDNUM})\b", re.IGNORECASE)
_UNIT_PER = {"decade": 10 * _YEAR, "fortnight": 14 * _DAY}


def _bounded(value: float, cmp: str | None, invert: bool = False) -> tuple[float, float, str]:
    """The interval a comparator makes of a figure; ``invert`` for a period read off a frequency ("at least
    twice a day" is a period of at most 12 hours)."""
    kind = _classify_cmp(cmp, None)
    c = (cmp or "").lower().strip()
    if kind == "exact" and c == "until":
        kind = "upper"
    elif kind == "exact" and c in ("after", "not before"):
        kind = "lower"  # before a time of day these bound it ("after 18:00"), they name no span
    if invert and kind != "exact":
        kind = "lower" if kind == "upper" else "upper"
    if kind == "lower":
        return value, INF, kind
    if kind == "upper":
        return 0.0, value, kind
    return value, value, kind


def _phrase_quantities(text: str) -> list[Quantity]:
    """Figures written as phrases the main pattern cannot read: clock times, recurrences, fractions of a unit,
    proportions."""
    out: list[Quantity] = []
    if not _PHRASE_HINT_RE.search(text):
        return out  # the common case, decided by one cheap search instead of four patterns

    def add(m: re.Match, dim: str, value: float, unit: str, invert: bool = False) -> None:
        cmp = m.group("cmp")
        low, high, kind = _bounded(value, cmp, invert)
        start = m.start()  # the comparator when there is one, else the figure itself
        out.append(Quantity(dim, low, high, text[start:m.end()].strip(), start, m.end(), unit=unit, direction=kind))

    for m in _CLOCK_RE.finditer(text):
        if m.group("noon"):
            minutes = 720.0
        else:
            hour = int(m.group("h") or m.group("h2"))
            ampm = (m.group("ampm") or m.group("ampm2") or "").lower()[:1]
            if hour > 23 or (ampm and not 1 <= hour <= 12):
                continue
            if ampm == "p" and hour != 12:
                hour += 12
            elif ampm == "a" and hour == 12:
                hour = 0
            minutes = hour * 60.0 + int(m.group("m") or 0)
        add(m, "clock", minutes, "clock")
    for m in _TIMES_RE.finditer(text):
        n = _ONCE[m.group("once").lower()] if m.group("once") else _to_float(m.group("n"))
        if n:
            add(m, "time", _PER[m.group("unit").lower()] / n, "per-" + m.group("unit").lower(), invert=True)
    for m in _FRACTION_RE.finditer(text):
        share = 0.5 if m.group("frac").lower() == "half" else 0.25
        add(m, "time", _PER[m.group("unit").lower()] * share, m.group("unit").lower())
    for m in _ALWAYS_RE.finditer(text):
        if not any(q.start <= m.start() < q.end for q in out):
            add(m, "coverage", 100.0, "always")
    for m in _FOREVER_RE.finditer(text):
        out.append(Quantity("time", INF, INF, m.group(0), m.start(), m.end(), role="retention", unit="forever",
                            direction="exact"))
    for m in _ONE_UNIT_RE.finditer(text):
        unit = m.group("unit").lower()
        add(m, "time", _UNIT_PER.get(unit) or _PER[unit], unit)
    for m in _PER_EVENT_RE.finditer(text):
        noun = m.group("noun").lower().split()
        if any(w.rstrip("s") in _PER or w in UNITS or w in NUMBER_WORDS for w in noun):
            continue  # "10 minutes per day", "5 GB per month": a figure per period, not a count of events
        raw = m.group("n").lower()
        n = 1.0 if raw in {"a", "an"} else _to_float(raw)
        if n:
            add(m, "time", _PER[m.group("unit").lower()] / n, "per-" + m.group("unit").lower(), invert=True)
    for m in _RATIO_RE.finditer(text):
        a, b = _to_float(m.group("a")), _to_float(m.group("b"))
        if a is not None and b and a < b:
            add(m, "percent", 100.0 * a / b, "ratio")
    return out


def extract_quantities(text: str, tokens_lower: list[str] | None = None) -> list[Quantity]:
    """Find quantities in ``text``; the result is ordered by position."""
    phrases = _phrase_quantities(text)
    negated_at = {m.start("cmp") for m in NEGATED_BOUND_RE.finditer(text)}
    out: list[Quantity] = []
    lowered = text.lower()
    has_remove = any(v in lowered for v in REMOVE_VERBS)
    has_keep = bool(_KEEP_RE.search(lowered))
    skip_until = 0
    for m in QUANTITY_RE.finditer(text):
        if m.start() < skip_until:
            continue  # the tolerance of the figure before ("plus or minus 2 miles")
        if any(q.start <= m.start("num") < q.end for q in phrases):
            continue  # part of a clock time, a recurrence or a proportion read above
        num_s = m.group("num")
        value = _to_float(num_s)
        if value is None:
            continue
        unit_raw = (m.group("unit") or "").lower()
        cur = m.group("cur")
        mult = m.group("mult")
        value2 = _to_float(m.group("num2")) if m.group("num2") else None
        if value2 is not None and " and" in text[m.end("num"):m.start("num2")] and (
                (m.group("cmp") or "").lower() != "between"):
            value2 = None
        # Identifiers such as "TLS 1.2", "ISO 27001", "UCAR903" or years.
        before = text[max(0, m.start("num") - 1):m.start("num")]
        if before.isalpha() or (not m.group("cmp") and _ITEM_LABEL_BEFORE_RE.search(text, 0, m.start("num"))):
            continue
        is_wordnum = not num_s[0].isdigit()
        dim = ""
        factor = 1.0
        unit_tok = unit_raw.strip("-/")
        per_match = re.match(r"\s*(?:per|/|an?|each|every)\s*(second|sec|s|minute|min|hour|hr|h|day|week|month|year)\b",
                             text[m.end():], re.IGNORECASE)
        if cur:
            dim, factor = UNITS[cur]
        elif unit_tok in UNITS:
            dim, factor = UNITS[unit_tok]
        elif unit_tok.rstrip("s") in UNITS and len(unit_tok) > 2:
            dim, factor = UNITS[unit_tok.rstrip("s")]
        elif re.fullmatch(r"\d{3,4}", num_s) and unit_tok == "p":
            dim, factor = "resolution", 1.0
        # "one" on its own is usually an article, not a count; keep only counted nouns.
        if is_wordnum and not dim and (
                not unit_tok or num_s.lower() in {"one", "half"} and unit_tok in {"of", "or", "and"}):
            continue
        # "from 0 to maximum speed": a function word after the number names no counted thing
        suffix = m.group("suffix")
        if not dim and unit_tok in STOPWORDS:
            unit_tok, suffix = "", None
        version_of = None if dim or unit_tok or m.group("cmp") else _VERSION_OF_RE.search(text, 0, m.start("num"))
        if version_of:
            # "iOS 16 and later", "TLS 1.2 or higher": a version of a named product, comparable only with
            # versions of the same product
            dim = "version:" + version_of.group(1).lower()
        if not dim:
            if unit_tok and unit_tok.isalpha():
                nxt = re.findall(r"[A-Za-z]+", text[m.start("unit"):m.start("unit") + 40])[:2]
                nouns = [w.lower().rstrip("s") if len(w) > 3 else w.lower() for i, w in enumerate(nxt)
                         if i == 0 or w.lower() not in STOPWORDS]
                dim = "count:" + "+".join(nouns)
            elif re.fullmatch(r"(19|20)\d\d", num_s):
                dim = "year"
            else:
                dim = "count:"
        if mult and dim != "count:":
            value *= _MULTIPLIERS.get(mult.lower(), 1.0)
            if value2 is not None:
                value2 *= _MULTIPLIERS.get(mult.lower(), 1.0)
        elif mult and dim == "count:":
            value *= _MULTIPLIERS.get(mult.lower(), 1.0)
        value *= factor
        if value2 is not None:
            value2 *= factor
        if per_match and dim.startswith("count"):
            dim = f"rate:{dim[6:]}"
            value /= _PER.get(per_match.group(1).lower(), 1.0)
        cmp = m.group("cmp")
        if cmp and cmp.lower() in _SPATIAL and re.search(r"\b(?:the|an?)\b", text[m.end("cmp"):m.start("num")]):
            cmp = None  # "fly above a 70 story building", "over a 12 month period": a place or a span, no bound
        kind = _classify_cmp(cmp, suffix)
        # "at least 100 m by day and 25 m at night": the comparator carries over a conjunction
        if kind == "exact" and not m.group("cmp") and out and out[-1].dim == dim and out[-1].direction in (
                "lower", "upper") and re.fullmatch(r"[^.;]{0,40}?\b(?:and|or|,)\s*", text[out[-1].end:m.start()]):
            kind = out[-1].direction
        strict = bool(cmp) and bool(_STRICT_RE.fullmatch(cmp.lower().strip()))
        if cmp and kind == "upper" and re.match(r"\s*(?:before|prior to|ahead of)\b", text[m.end():]) and re.fullmatch(
                r"by|no later th[ae]n|not later th[ae]n", cmp.lower().strip()):
            kind = "lower"  # "no later than 3 days before the pay date": a lead of at least 3 days
        if cmp and m.start("cmp") in negated_at and kind in ("lower", "upper"):
            kind, strict = ("upper" if kind == "lower" else "lower"), False  # "not … more than 100" is at most 100
        if strict and dim.startswith("count") and value.is_integer():
            # on whole things the excluded bound moves by one instead
            value = value + 1 if kind == "lower" else (value - 1 if kind == "upper" and value >= 1 else value)
            strict = False
        tol_m = _TOLERANCE_RE.match(text, m.end()) if kind == "exact" and value2 is None else None
        if tol_m:
            tol_unit = (tol_m.group(2) or "").lower()
            tol_factor = UNITS[tol_unit][1] if UNITS.get(tol_unit, ("", 0.0))[0] == dim else factor
            delta = float(tol_m.group(1)) * tol_factor
            value, value2 = value - delta, value + delta
            skip_until = tol_m.end()
        if value2 is not None and value2 > value:
            low, high = value, value2
        elif kind == "lower":
            low, high = value, INF
        elif kind == "upper":
            low, high = 0.0, value
        else:
            low = high = value
        if low == 0.0 and high == INF:
            continue  # "from 0 knots", "at least zero": a bound that excludes nothing constrains nothing
        # Deadlines on deletion bound how long data may be kept; durations on keeping bound it below.
        role = ""
        if dim == "time":
            window = lowered[max(0, m.start() - 60):m.end() + 40]
            if has_remove and any(v in window for v in REMOVE_VERBS):
                role = "retention"
                low = 0.0 if kind != "lower" else low
                if kind == "exact":
                    high = value
            elif has_keep and _KEEP_RE.search(window):
                role = "retention"
        qual_m = None
        quals = list(QUALIFIER_RE.finditer(text))
        after = [qm for qm in quals if 0 <= qm.start() - m.end() <= 20]
        before_q = [qm for qm in quals if 0 <= m.start() - qm.end() <= 40]
        if after:
            qual_m = after[0]
        elif before_q:
            qual_m = before_q[-1]
        qualifier = qual_m.group(1).lower() if qual_m else ""
        if qualifier.startswith(("day", "night")):
            qualifier = "day" if qualifier.startswith("day") else "night"  # daylight, night-time
        start = m.start() if cmp or not m.group("cmp") else m.start("cur" if cur else "num")
        if version_of:
            start = version_of.start(1)  # quote "Android 12 or later", not "12 or later"
        if tol_m:
            end = tol_m.end()
        elif suffix:
            end = m.end("suffix")
        elif m.group("unit") and unit_tok:
            end = m.end("unit")
        else:
            end = m.end("num2" if m.group("num2") else "num")
        direction = "range" if value2 is not None and value2 > value else kind
        out.append(Quantity(dim, low, high, text[start:end].strip(), start, end, qualifier, role,
                            unit_tok or (cur or ""), direction, strict and direction in ("lower", "upper")))
    return sorted(out + phrases, key=lambda q: q.start) if phrases else out


@lru_cache(maxsize=100_000)
def numbered_items(text: str) -> dict[str, str]:
    """Numbered items a statement names, label → number ("priority 1 incidents" → {"priority": "1"})."""
    return {m.group(1).lower(): m.group(2) for m in _ITEM_RE.finditer(text)}


def _close(x: float, y: float, tol: float) -> bool:
    if x == y:
        return True
    if math.isinf(x) or math.isinf(y):
        return False
    return abs(x - y) <= tol * max(abs(x), abs(y))


def _tolerance(a: Quantity, b: Quantity) -> float:
    # within one unit be strict; rounded unit conversions ("100 m" / "330 ft", "5 minutes" / "0.08 hours") are
    # the same figure up to 5 % ("200 minutes" / "3 hours" and "13 months" / "1 year" are not); a conversion
    # between metric and imperial ("20 miles" / "30 km", 7 %) is rounded to a round number, so up to 8 %.
    if a.unit == b.unit:
        return 0.005
    if (a.unit in IMPERIAL) != (b.unit in IMPERIAL):
        return 0.08
    return 0.05


def same_interval(a: Quantity, b: Quantity) -> bool:
    tol = _tolerance(a, b)
    return _close(a.low, b.low, tol) and _close(a.high, b.high, tol)


def _bound(q: Quantity) -> float:
    return q.low if q.direction == "lower" else q.high


def relation(a: Quantity, b: Quantity) -> str:
    """'equal', 'compatible' (both can hold) or 'conflict'."""
    if same_interval(a, b):
        return "equal"
    if a.exact and b.exact:
        return "conflict"
    if a.high < b.low or b.high < a.low:
        return "conflict"
    if a.exact or b.exact:
        # a count of things ("one plan" / "up to three plans") states a different capacity;
        # an exact duration or size inside the other's bound satisfies it
        if a.dim.startswith("count") and b.dim.startswith("count"):
            return "conflict"
        exact, bound = (a, b) if a.exact else (b, a)
        if bound.strict and _close(exact.low, _bound(bound), _tolerance(a, b)):
            return "conflict"  # "720p" versus "less than 720p": the figure is the one value excluded
        return "compatible"
    if {a.direction, b.direction} == {"lower", "upper"}:
        # a minimum and a maximum at the same figure pull in opposite directions
        tol = _tolerance(a, b)
        return "conflict" if _close(_bound(a), _bound(b), tol) else "compatible"
    if a.direction == b.direction and a.direction in ("lower", "upper"):
        # two minimums (or two maximums) with different figures are competing targets
        return "conflict"
    return "compatible"

"""Korean quantities: number + unit + comparator → the engine's language-neutral ``Quantity``.

The figures are read from the surface (digits, 천/만/억 multipliers, native numerals 한/두/세 …, 이틀, 반년),
the units and comparators from the closed lists below; the interval is in the base unit the English reader
uses (seconds, bytes, %, KRW, counts of a noun), so "36개월" meets "3 years" and "5년" meets "60개월".

Comparators: 최소 / 적어도 / 이상 → [x, ∞); 최대 / 이하 / 이내 / 안에 / 까지 / 늦어도 → [0, x]; 초과 / 넘게 → (x, ∞);
미만 → [0, x). A duration before a deletion verb ("1년 후에 삭제", "36개월이 지나면 … 삭제") bounds retention from
above; a duration on a keeping verb ("최소 5년 동안 보관") bounds it from below, so those two compare.
Clock times (오전/오후 N시, 자정, 정오) are points of the day, or a range with 부터 … 까지.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

from ..quantities import Quantity

INF = math.inf
_DAY = 86400.0
_YEAR = 365 * _DAY

_TIME = {"년": _YEAR, "해": _YEAR, "개월": _YEAR / 12, "달": _YEAR / 12, "주일": 7 * _DAY, "주": 7 * _DAY,
         "영업일": _DAY, "일": _DAY, "시간": 3600.0, "분": 60.0, "초": 1.0}
_SIZE = {"tb": 1e12, "gb": 1e9, "mb": 1e6, "kb": 1e3}
_COUNT = ("건", "명", "개", "회", "곳", "가지", "대", "장", "번", "회선", "채널")
_NATIVE = {"한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "네": 4, "넷": 4, "다섯": 5, "여섯": 6,
           "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "스무": 20, "천": 1000}
_WORD_DURATIONS = {"하루": _DAY, "이틀": 2 * _DAY, "사흘": 3 * _DAY, "나흘": 4 * _DAY, "반년": _YEAR / 2,
                   "일주일": 7 * _DAY, "한 달": _YEAR / 12, "한달": _YEAR / 12, "보름": 15 * _DAY}

_NUM = r"(?P<num>\d[\d,]*(?:\.\d+)?)\s*(?P<mult>천만|백만|십만|천|만|억)?"
_NATIVE_RE = "|".join(sorted(_NATIVE, key=len, reverse=True))
_UNIT_RE = (r"(?P<unit>영업일|개월|주일|시간|년|달|주|일|분|초|tb|gb|mb|kb|%|퍼센트|만\s*원|억\s*원|원|"
            + "|".join(_COUNT) + r")")
_QTY_RE = re.compile(
    r"(?P<pre>최소|최대|적어도|늦어도|최저|최고|최장|최단)?\s*(?:(?P<daypart>오전|오후|밤|저녁|새벽)\s*)?"
    r"(?:" + _NUM + r"|(?P<native>" + _NATIVE_RE + r")(?=\s))\s*" + _UNIT_RE
    + r"(?P<after>[^\s,.]*)(?=(?:\s+(?P<next>[^\s,.]+(?:\s+[^\s,.]+)?))?)",  # what follows is read, not consumed
    re.IGNORECASE,
)
_WORD_RE = re.compile(r"(?P<pre>최소|최대|적어도|늦어도)?\s*(?P<word>" + "|".join(
    sorted(_WORD_DURATIONS, key=len, reverse=True)) + r")(?P<after>[^\s,.]*)(?=(?:\s+(?P<next>[^\s,.]+))?)")
_CLOCK_RE = re.compile(r"(?:(?P<part>오전|오후|밤|저녁|새벽)\s*)?(?P<h>\d{1,2})\s*시"
                       r"(?:\s*(?P<m>\d{1,2})\s*분|\s*(?P<half>반))?(?!간)(?P<after>[^\s,.]*)")
_NOON_RE = re.compile(r"(?P<w>자정|정오)(?P<after>[^\s,.]*)")
_DATE_RE = re.compile(r"(?P<y>\d{4})\s*년\s*(?P<m>\d{1,2})\s*월(?P<after>[^\s,.]*)")

_LOWER = ("이상", "부터", "넘게", "넘는", "넘으면", "넘어", "넘을", "초과", "이후", "지나", "지난", "뒤", "후")
_UPPER = ("이하", "이내", "안에", "안", "까지", "내", "미만", "이전", "전")
_KEEP = ("보관", "보존", "유지", "저장")
_REMOVE = ("삭제", "파기", "폐기", "지운", "지우")
_AFTER_WORDS = ("후", "뒤", "지나", "지난", "경과", "넘으면", "넘은")


def _number(num: str | None, mult: str | None, native: str | None) -> float:
    if native:
        return float(_NATIVE[native])
    value = float((num or "0").replace(",", ""))
    factor = {"천만": 1e7, "백만": 1e6, "십만": 1e5, "천": 1e3, "만": 1e4, "억": 1e8}.get(mult or "", 1.0)
    return value * factor


def _direction(pre: str, tail: str) -> tuple[str, bool]:
    """('lower'|'upper'|'exact', strict) from the word before the figure and what follows it."""
    if pre in ("최소", "적어도", "최저", "최단"):
        return "lower", False
    if pre in ("최대", "늦어도", "최고", "최장"):
        return "upper", False
    if re.search(r"(?:넘|초과하)(?:으면|면|어서는|어서도|서는)\s*안|(?:넘|초과하)지\s*(?:않|말)", tail):
        return "upper", False  # "300초를 넘으면 안 된다": at most 300 s, like "no more than"
    if re.search(r"(?:이|가)?\s*(?:지나면|지난\s*(?:후|뒤)|경과하면|경과한\s*(?:후|뒤))", tail):
        return "upper", False  # "14일이 지나면 닫힌다": the window lasts at most 14 days
    for w in ("초과", "넘게", "넘는", "넘으면", "넘어", "넘을", "넘기"):
        if w in tail:
            return "lower", True
    if "미만" in tail:
        return "upper", True
    if "이상" in tail:
        return "lower", False
    for w in ("이하", "이내", "안에", "까지", "내에", "안으로"):
        if w in tail:
            return "upper", False
    return "exact", False


def _bounds(value: float, direction: str, strict: bool) -> tuple[float, float]:
    if direction == "lower":
        return value, INF
    if direction == "upper":
        return 0.0, value
    return value, value


def _retention_role(text: str, end: int, tail: str) -> tuple[str, str | None]:
    """('retention', direction override) when the figure bounds how long something is kept."""
    rest = text[end:end + 40]
    if any(v in rest[:10] for v in _KEEP):
        return "retention", None  # "12개월 동안 보존한 뒤 삭제": the keeping verb right after the figure governs it
    if any(v in text for v in _REMOVE) and (any(w in tail for w in _AFTER_WORDS) or any(
            w in rest[:12] for w in _AFTER_WORDS) or "이내" in tail or "안에" in tail):
        return "retention", "upper"
    if any(v in rest for v in _KEEP) or any(v in tail for v in _KEEP):
        return "retention", None
    return "", None


@lru_cache(maxsize=100_000)
def extract(text: str) -> tuple[Quantity, ...]:
    out: list[Quantity] = []
    taken: list[tuple[int, int]] = []
    business = "영업일" in text

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    for m in _DATE_RE.finditer(text):
        value = int(m.group("y")) * 12 + int(m.group("m"))
        direction, strict = _direction("", m.group("after") or "")
        lo, hi = _bounds(value, direction, strict)
        out.append(Quantity("date", lo, hi, m.group(0), m.start(), m.end(), unit="월", direction=direction))
        taken.append((m.start(), m.end()))
    clocks: list[Quantity] = []
    for m in list(_CLOCK_RE.finditer(text)) + list(_NOON_RE.finditer(text)):
        if not free(m.start(), m.end()):
            continue
        if "w" in m.groupdict() and m.groupdict().get("w"):
            secs = 0.0 if m.group("w") == "자정" else 12 * 3600.0
            part = ""
        else:
            h = int(m.group("h"))
            if h > 24:
                continue
            part = m.group("part") or ""
            if part in ("오후", "저녁", "밤") and h < 12:
                h += 12
            secs = h * 3600.0 + (int(m.group("m")) * 60.0 if m.group("m") else 0.0) + (1800.0 if m.group("half")
                                                                                       else 0.0)
        clocks.append(Quantity("clock", secs, secs, m.group(0), m.start(), m.end(), unit="시",
                               direction="exact", qualifier=m.group("after") or ""))
        taken.append((m.start(), m.end()))
    clocks.sort(key=lambda q: q.start)
    # "오후 11시부터 다음 날 오전 6시까지" is one range of the day (past midnight: the end moves a day on)
    i = 0
    while i < len(clocks):
        q = clocks[i]
        nxt = clocks[i + 1] if i + 1 < len(clocks) else None
        if "부터" in q.qualifier and nxt and ("까지" in nxt.qualifier or "사이" in text[nxt.end:nxt.end + 4]):
            r = clocks[i + 1]
            hi = r.low if r.low > q.low else r.low + _DAY
            out.append(Quantity("clock", q.low, hi, text[q.start:r.end], q.start, r.end, unit="시",
                                direction="range"))
            i += 2
            continue
        out.append(q)
        i += 1
    for m in _QTY_RE.finditer(text):
        if not free(m.start("unit"), m.end("unit")):
            continue
        unit = re.sub(r"\s+", "", m.group("unit").lower())
        num_start = m.start("num") if m.group("num") else m.start("native")
        # "1차", "2단계", "5G", "30주년": item labels and names, not figures (the unit regex already excludes them)
        value = _number(m.group("num"), m.group("mult"), m.group("native"))
        after = m.group("after") or ""
        nxt = m.group("next") or ""
        tail = after + " " + nxt
        pre = m.group("pre") or ""
        direction, strict = _direction(pre, tail)
        if after.startswith("당"):
            continue  # "한 건당", "1인당": per item, the figure that follows is the measure
        if unit in _TIME:
            if unit == "일" and value <= 31 and any(w in text for w in ("매월", "매달", "달마다")) and not any(
                    w in tail for w in ("동안", "간", "이내", "안", "후", "뒤", "전", "이상", "이하", "지나")):
                continue  # "매월 25일에", "25일이 휴일이면": a day of the month, not a duration
            if unit == "일" and text[m.end("unit"):m.end("unit") + 1] == "자":
                continue  # "일자": a date field
            factor = _TIME[unit]
            if unit in ("주", "주일") and business:
                factor = 5 * _DAY  # "영업일 기준 2주" = 10 business days
            dim = "time"
            if m.group("daypart"):
                continue
        elif unit in _SIZE:
            dim, factor = "size", _SIZE[unit]
        elif unit in ("%", "퍼센트"):
            dim, factor = "percent", 1.0
        elif unit.endswith("원"):
            dim, factor = "money:krw", {"만원": 1e4, "억원": 1e8}.get(unit, 1.0)
        else:
            dim, factor = f"count:{unit}", 1.0
        # "초당 최대 100건", "시간당 처리량": a rate, its own measure
        before = text[max(0, m.start() - 4):m.start()]
        if re.search(r"(?:초|분|시간|일|월|주|년)당\s*$", before):
            dim = "rate:" + dim
        role, override = ("", None)
        if dim == "time":
            role, override = _retention_role(text, m.end("unit"), tail)
            if override:
                direction, strict = override, False
            elif direction == "exact" and any(w in tail for w in ("전", "전에", "전까지")):
                # "30일 전에 안내": a lead time; "최소 30일 전" already set it
                role = role or "lead"
        lo, hi = _bounds(value * factor, direction, strict)
        out.append(Quantity(dim, lo, hi, text[num_start if not pre else m.start():m.end("unit")],
                            m.start() if pre else num_start, m.end("unit"), role=role, unit=unit,
                            direction=direction, strict=strict))
        taken.append((m.start("unit"), m.end("unit")))
    for m in _WORD_RE.finditer(text):
        if not free(m.start("word"), m.end("word")):
            continue
        tail = (m.group("after") or "") + " " + (m.group("next") or "")
        direction, strict = _direction(m.group("pre") or "", tail)
        role, override = _retention_role(text, m.end("word"), tail)
        if override:
            direction = override
        lo, hi = _bounds(_WORD_DURATIONS[m.group("word")], direction, strict)
        out.append(Quantity("time", lo, hi, m.group("word"), m.start("word"), m.end("word"), role=role,
                            unit=m.group("word"), direction=direction, strict=strict))
    out.sort(key=lambda q: q.start)
    return tuple(_compose(text, out))


def _value(q: Quantity) -> float:
    return q.high if q.direction == "upper" else q.low


_ORDER = {"년": 6, "개월": 5, "달": 5, "주": 4, "주일": 4, "일": 3, "영업일": 3, "시간": 2, "분": 1, "초": 0}


def _compose(text: str, qs: list[Quantity]) -> list[Quantity]:
    """"1년 1개월" is 13 months and "1시간 30분" 90 minutes: adjacent durations of falling units add up."""
    out: list[Quantity] = []
    for q in qs:
        prev = out[-1] if out else None
        if (prev is not None and prev.dim == q.dim == "time"
                and (prev.direction in ("exact", q.direction) or q.direction == "exact")
                and not text[prev.end:q.start].strip() and _ORDER.get(prev.unit, -1) > _ORDER.get(q.unit, 9)):
            # the comparator after the last part ("1시간 30분 이내") was also read for the first part
            # ("최소 2년 6개월": the comparator before the first part holds for the whole)
            direction, strict = (q.direction, q.strict) if q.direction != "exact" else (prev.direction, prev.strict)
            lo, hi = _bounds(_value(prev) + _value(q), direction, strict)
            out[-1] = Quantity("time", lo, hi, text[prev.start:q.end], prev.start, q.end, role=q.role or prev.role,
                               unit=q.unit, direction=direction, strict=strict)
            continue
        out.append(q)
    return out

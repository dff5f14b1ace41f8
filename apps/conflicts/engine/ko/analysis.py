"""Per-statement reading of Korean text into language-neutral slots.

From Kiwi's morphemes: content lemmas (nouns, foreign words, verb and adjective stems, with particles and
endings gone, so "보관해야 한다" / "보관한 뒤" / "보관을" all give 보관), modality and polarity (어야 하 / ㄹ 수 있 /
면 안 되 / 금지 / 불가 / 않), scope quantifiers (모든 / 전 / 전체 vs 일부 / 시범 / …만), a definition, a
priority rating, a process gate (승인을 받은 후에만 / 거쳐야) or bypass (없이 / 바로 / 자동으로); from
``ko.quantities``, figures as ``Quantity`` intervals in base units; from the catalogue, chosen options.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..quantities import Quantity
from .morph import Morph, morphs
from .quantities import extract

# nouns and stems that carry no subject: units, comparators, requirement boilerplate, scope words
_STOP = frozenset([
    "것", "수", "등", "때", "경우", "기준", "이후", "이전", "전", "후", "뒤", "동안",
    "이내", "이상", "이하", "미만", "초과", "최소", "최대", "반드시", "별도", "모든", "전체",
    "일부", "시범", "필수", "기능", "항목", "요건", "과제", "시점", "대상", "각", "해당",
    "다음", "이번", "하", "되", "있", "없", "않", "이", "같", "년", "개월", "주",
    "일", "시간", "분", "초", "원", "건", "명", "개", "회", "곳", "가지", "만", "천",
    "억", "말", "중", "위", "간", "내", "안", "외", "바", "점", "측", "중", "번",
    "단계", "차", "범위", "포함", "제외", "적용", "진행", "처리", "운영", "사용", "제공",
    "가능", "의무", "꼭", "모두", "누구", "나머지", "관계", "동시", "한", "두", "세",
    "네", "여부", "별", "용", "당", "상태", "방식", "정도", "때문", "경우", "앞", "지나",
    "지난", "넘", "받", "가", "오", "주", "보", "두", "쓰", "만들", "바", "함", "적",
    "어떤", "다른", "새", "기존", "자체", "직접", "스스로", "바로", "곧바로", "즉시", "자동"
])
# one meaning, two words: the paraphrases requirement writers use for the same act
_SYNONYMS = {"보존": "보관", "파기": "삭제", "폐기": "삭제", "지우": "삭제", "고치": "수정", "바꾸": "변경",
             "내려받": "다운로드", "올리": "업로드", "휴대폰": "모바일", "핸드폰": "모바일", "스마트폰": "모바일",
             "알리": "통지", "안내": "통지", "통보": "통지", "보내": "발송", "전송": "발송", "돌려보내": "반송",
             "이용": "사용", "쓰": "사용", "활용": "사용", "살": "구매", "사": "구매", "조회": "확인",
             "보이": "표시", "보여주": "표시", "나타나": "표시", "신청서": "신청", "청구서": "청구",
             "의무기록": "진료기록",
             "민원인": "신청인", "탈락": "불합격", "계좌": "계좌", "통장": "계좌", "입금": "지급", "이체": "지급",
             "고객사": "고객", "가입자": "고객", "회원": "고객", "직원": "직원", "임직원": "직원", "구성원": "직원"}
_TAGS = ("NNG", "NNP", "SL", "SH", "XR", "VV", "VA")

_PROHIBIT_RE = re.compile(r"금지|불가|(?:면|서는|서도)\s*안\s*(?:되|돼|된)|[ㄹ을]?\s*수\s*없|지\s*말|하지\s*못"
                          r"|허용하지\s*않|어떤\s*\S+도\s*\S*지\s*않")
_BOUND_PROHIBIT_RE = re.compile(r"(?:넘|초과하|넘기)(?:으면|면|어서는|서는)\s*안\s*(?:되|돼|된)")
_PERMIT_RE = re.compile(r"수\s*있|가능하|허용|해도\s*된")
_MUST_RE = re.compile(r"어야|여야|해야|반드시|필수|의무|꼭")

# "동시에", "한 번에", "일괄" say when, not for whom ("일괄 실행", "동시에 접속"): not scope words on their own
_UNIVERSAL = ("모든", "전체", "전국", "예외 없이", "누구나", "전부", "전 직원", "전 병동", "전 계열사", "전 지역",
              "전 고객", "전 부서", "전 사업장", "빠짐없이")
_RESTRICTIVE = ("일부", "시범", "한 곳", "단계적", "순차적", "한정", "에 한해", "대상에서 제외", "두 가지만", "선별",
                "우선 적용")

# a rating of a feature for a release, not any "필수" ("필수 서류") or "포함하지 않는다" ("개인정보를 포함하지 않는다")
_PRIORITY_MUST_RE = re.compile(r"필수\s*(?:기능|항목|요건|사항|과제|범위)|(?:오픈|출시|릴리스)\S*\s*필수"
                               r"|반드시\s*(?:포함|제공|있어야|갖추)|꼭\s*필요|출시와\s*동시에|동시에\s*판매|빠지면\s*안")
_PRIORITY_WONT_RE = re.compile(r"범위(?:에서|에)\s*(?:제외|빠|들어가지\s*않|포함하지\s*않)|"
                               r"(?:릴리스|오픈|출시|사업)\S*\s*(?:포함하지\s*않|제외)|구현하지\s*않|"
                               r"(?:[2-9]|두|세)\s*(?:단계|차)\s*(?:과제|로|에서|사업)|후속\s*(?:단계|과제|사업)|미루|연기하|보류|"
                               r"선택\s*과제|다음\s*릴리스|범위\s*밖|하지\s*않기로")
_STEP_WORDS = ("승인", "검토", "확인", "결재", "심사", "동의", "평가", "인증", "검증", "조사", "리뷰", "협의")
_GATE_RE = re.compile(r"(?:후|뒤|다음)에만|(?:거친|받은|마친|통과한)\s*(?:후|뒤)에"
                      r"|반드시(?:\s+\S+){0,3}?\s*(?:검토|승인|확인|결재|심사)|(?:거치|거쳐|거친|받|받은|마친|마쳐|통과하|통과해|확정한)\S*\s*(?:후|뒤)?"
                      r"(?:에만|에야|야만|어야|아야|야)|반드시\s*\S+\s*(?:검토|승인|확인|결재|심사)|승인이\s*필요|검토가\s*필요|"
                      r"(?:승인|검토|확인|결재|심사)\S*\s*(?:받아야|거쳐야|받은\s*(?:후|뒤)|필수)|통과해야만|어야만|여야만")
_BYPASS_RE = re.compile(r"(?:" + "|".join(_STEP_WORDS) + r")\s*없이|없이\s*(?:바로|곧바로|즉시)"
                        r"|(?:바로|곧바로|즉시)\s*\S*"
                        r"(?:반영|승인|지급|체결|공유|처리|배포|개통)|자동(?:으로)?\s*(?:배정|승인|설정|처리|반영)|"
                        r"(?:검토|승인|확인)\s*(?:단계|절차)(?:는|가)\s*없|생략|단독으로|추가\s*\S*\s*없이")

# "X은 … 로 정의한다 / 을 의미한다 / 로 집계한다": X is the term; "… 을 Y로 본다 / 간주한다 / 기록한다": Y is
_DEF_TOPIC_VERB_RE = re.compile(r"(?:으로|로)\s*정의|[을를]\s*의미|[을를]\s*뜻|(?:으로|로)\s*집계|(?:으로|로)\s*산정")
_DEF_OBJECT_VERB_RE = re.compile(r"(?:으로|로)\s*(?:본다|보며|간주한다|간주하|기록한다)")


@dataclass(frozen=True)
class KoAnalysis:
    text: str
    morphs: tuple[Morph, ...]
    lemmas: tuple[str, ...]           # all content lemmas in order (nouns, stems), synonyms merged
    content: frozenset[str]           # lemmas that can name a subject
    latin: frozenset[str]             # Latin words and acronyms as written, lower case (FTE, AWS, PDF)
    quantities: tuple[Quantity, ...]
    neg_count: int
    modality: str                     # "prohibit" | "permit" | "must" | "neg" | ""
    universal: tuple[str, ...]
    restrictive: tuple[str, ...]
    only_nouns: frozenset[str]        # nouns marked by the restrictive particle 만 ("시급제 직원만")
    definition: tuple[frozenset[str], str] | None   # (term lemmas, body)
    priority: str                     # "must" | "wont" | ""
    gate: bool                        # a step must happen first (승인을 받은 후에만, 거쳐야)
    bypass: bool                      # a step is skipped (승인 없이, 바로, 자동으로 배정)
    steps: frozenset[str]             # step nouns the statement names (승인, 검토 …)
    items: tuple[str, ...]            # an enumeration "A, B, C" (its head lemmas), for overlaps


def _norm(form: str) -> str:
    return _SYNONYMS.get(form, form)


def _lemmas(ms: tuple[Morph, ...]) -> list[str]:
    out = []
    for i, m in enumerate(ms):
        if m.tag not in _TAGS:
            continue
        form = m.form.lower() if m.tag == "SL" else m.form
        # "전일제", "암호화": a noun with its suffix is one word
        if m.tag == "NNG" and i + 1 < len(ms) and ms[i + 1].tag == "XSN" and ms[i + 1].form in ("제", "율", "료", "화"):
            form = form + ms[i + 1].form
        out.append(_norm(form))
    return out


def _negations(text: str, ms: tuple[Morph, ...]) -> int:
    n = 0
    for i, m in enumerate(ms):
        if m.tag == "VX" and m.form == "않":
            n += 1
        elif m.tag == "VA" and m.form == "없" and not (i > 0 and ms[i - 1].form == "수"):
            n += 1  # "입력이 없으면", "단계는 없다"
        elif m.form == "없이" or (m.tag == "MAG" and m.form in ("못", "안") and not (
                i + 1 < len(ms) and ms[i + 1].form in ("에", "으로"))):
            n += 1  # "동의 없이", "못 한다", "안 된다" (not "안에": inside)
        elif (m.tag.startswith("NN") and m.form in ("금지", "불가", "불허")) or (
                m.form == "수" and i + 1 < len(ms) and ms[i + 1].form == "없"):
            n += 1
    n -= len(_BOUND_PROHIBIT_RE.findall(text))  # "0.5%를 넘으면 안 된다" is a bound, not a prohibition
    return max(n, 0)


def _modality(text: str) -> str:
    plain = _BOUND_PROHIBIT_RE.sub(" ", text)
    if _PROHIBIT_RE.search(plain):
        return "prohibit"
    if _PERMIT_RE.search(plain):
        return "permit"
    if _MUST_RE.search(plain):
        return "must"
    if re.search(r"지\s*않|없다", plain):
        return "neg"
    return ""


def _only_nouns(ms: tuple[Morph, ...]) -> frozenset[str]:
    out = set()
    for i, m in enumerate(ms):
        if m.form == "만" and m.tag == "JX" and i > 0:
            j = i - 1
            if ms[j].tag.startswith("JK") and j > 0:
                j -= 1  # "건에만"
            prev = ms[j]
            if prev.form in ("후", "뒤", "다음", "때", "경우") or prev.tag.startswith(("E", "V", "X")):
                continue  # "확인한 후에만", "통과해야만": a condition, not a restriction of scope
            if prev.tag in ("NNG", "NNP", "SL", "NNB", "NR"):
                out.add(_norm(prev.form.lower() if prev.tag == "SL" else prev.form))
    return frozenset(out)


def _term_before(ms: tuple[Morph, ...], i: int) -> frozenset[str]:
    """The noun run that ends just before morpheme i, quotes skipped ("청구 건의 '종결'은" → 종결)."""
    j = i - 1
    # quotes, the copula of "X이란", and a counter ("정전 한 건으로") stand between the term and its marker
    while j >= 0 and (ms[j].tag in ("SS", "SSO", "SSC", "SW", "VCP", "MM", "SN")
                      or (ms[j].tag == "NNB" and ms[j].form in ("건", "개", "명", "것"))):
        j -= 1
    words: list[str] = []
    while j >= 0 and (ms[j].tag in ("NNG", "NNP", "SL", "XSN", "NNB", "XR") or ms[j].tag in ("SSO", "SSC")):
        if ms[j].tag not in ("SSO", "SSC", "XSN"):
            words.append(_norm(ms[j].form.lower() if ms[j].tag == "SL" else ms[j].form))
        j -= 1
    return frozenset(w for w in words if w not in _STOP)


def _definition(text: str, ms: tuple[Morph, ...]) -> tuple[frozenset[str], str] | None:
    topic = _DEF_TOPIC_VERB_RE.search(text)
    obj = _DEF_OBJECT_VERB_RE.search(text)
    if topic:
        for i, m in enumerate(ms):
            if (m.tag == "JX" and m.form in ("은", "는")) or m.form in ("란", "이란"):
                term = _term_before(ms, i)
                if term:
                    return term, text[m.end:topic.start()].strip()
                break
    if obj:
        for i, m in enumerate(ms):
            if m.start >= obj.start() and m.tag == "JKB":
                term = _term_before(ms, i)
                if not term:  # "종결된 것으로 본다": the verb before the dependent noun names the state
                    k = i - 1
                    while k >= 0 and not ms[k].tag.startswith(("NNG", "VV", "VA")):
                        k -= 1
                    term = frozenset([_norm(ms[k].form)]) if k >= 0 else frozenset()
                if term:
                    return term, text[:obj.start()].strip()
                break
    return None


def _items(text: str) -> tuple[str, ...]:
    """An enumeration of three or more items ("A, B, C를 보여준다"): the last lemma of each item."""
    m = re.search(r"([^,]+,\s*[^,]+(?:,\s*[^,]+)+?)"
                  r"(?:을|를|의|에서|을\s*모두|를\s*모두|\s+세\s+가지|\s+중에서|을\s+지원|를\s+지원)", text)
    if not m:
        return ()
    parts = [p for p in re.split(r",\s*", m.group(1)) if p.strip()]
    if len(parts) < 3:
        return ()
    heads = []
    for p in parts:
        lem = [x for x in _lemmas(morphs(p)) if x not in _STOP]
        if lem:
            heads.append(lem[-1])
    return tuple(heads)


def _markers(words: tuple[str, ...]) -> re.Pattern[str]:
    """Markers that start an eojeol ("일부 고객"), not the inside of another word ("출시일부터")."""
    return re.compile(r"(?<![가-힣])(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")")


_UNIVERSAL_RE, _RESTRICTIVE_RE = _markers(_UNIVERSAL), _markers(_RESTRICTIVE)


def _found(rx: re.Pattern[str], text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(m.group(1) for m in rx.finditer(text)))


@lru_cache(maxsize=200_000)
def analyse_ko(text: str) -> KoAnalysis:
    ms = morphs(text)
    lem = _lemmas(ms)
    content = frozenset(x for x in lem if x not in _STOP and not x.isdigit() and len(x) >= 1)
    latin = frozenset(m.form.lower() for m in ms if m.tag == "SL")
    pmust = bool(_PRIORITY_MUST_RE.search(text))
    pwont = bool(_PRIORITY_WONT_RE.search(text))
    steps = frozenset(w for w in _STEP_WORDS if w in text)
    return KoAnalysis(
        text=text,
        morphs=ms,
        lemmas=tuple(lem),
        content=content,
        latin=latin,
        quantities=extract(text),
        neg_count=_negations(text, ms),
        modality=_modality(text),
        universal=_found(_UNIVERSAL_RE, text) + (
            ("전",) if any(m.form == "전" and m.tag == "MM" for m in ms) else ()),
        restrictive=_found(_RESTRICTIVE_RE, text),
        only_nouns=_only_nouns(ms),
        definition=_definition(text, ms),
        priority="must" if pmust and not pwont else ("wont" if pwont and not pmust else ""),
        gate=bool(_GATE_RE.search(text)),
        bypass=bool(_BYPASS_RE.search(text)),
        steps=steps,
        items=_items(text),
    )

"""One catalogue of exclusive options with Korean and Latin names.

The English sets (``choices.DEFAULT_CHOICE_SETS``) are reused as they are; this module adds the Korean names of
their options ("아마존 웹 서비스" = AWS) and sets that Korean programmes choose between (네이버 클라우드 / NHN 클라우드,
더존 / SAP, 카카오 로그인 / 공동인증서 …). A Korean statement naming "AWS 서울 리전" and an English one naming
"Azure" then meet on the same set, so mixed pairs compare.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ..choices import DEFAULT_CHOICE_SETS, ChoiceSet


def _cs(name: str, *options: str) -> ChoiceSet:
    return ChoiceSet(name, tuple(tuple(s.strip().lower() for s in opt.split("|")) for opt in options))


# Korean names of options of the English sets, by set name and by the option's first (canonical) name
KO_SYNONYMS: dict[tuple[str, str], tuple[str, ...]] = {
    ("cloud provider", "aws"): ("아마존 웹 서비스", "아마존 클라우드", "aws 서울 리전"),
    ("cloud provider", "azure"): ("애저", "마이크로소프트 애저"),
    ("cloud provider", "gcp"): ("구글 클라우드",),
    ("hosting model", "on-premises"): ("온프레미스", "온프렘", "자체 전산센터", "본점 전산센터", "자체 데이터센터",
                                       "사내 데이터센터", "구축형"),
    ("hosting model", "saas"): ("사스", "구독형"),
    ("hosting model", "cloud-hosted"): ("퍼블릭 클라우드", "클라우드로 이전", "클라우드에 구축", "금융 클라우드",
                                        "금융 전용 클라우드", "의료 전용 영역", "클라우드 환경"),
    ("processing mode", "batch"): ("배치", "야간 배치", "일괄 처리", "일 배치", "배치로"),
    ("processing mode", "real-time"): ("실시간", "스트리밍", "실시간 스트리밍", "준실시간"),
    ("message broker", "kafka"): ("카프카",),
    ("message broker", "kinesis"): ("키네시스",),
    ("CRM", "salesforce"): ("세일즈포스",),
    ("marketing automation", "salesforce marketing cloud"): ("세일즈포스 마케팅 클라우드",),
    ("consent model", "opt-in"): ("사전 동의", "명시적 동의", "옵트인"),
    ("consent model", "opt-out"): ("옵트아웃", "사후 거부"),
    ("architecture", "microservices"): ("마이크로서비스", "msa"),
    ("architecture", "monolith"): ("모놀리식", "단일 애플리케이션"),
    ("authentication factor", "mfa"): ("다중 인증", "2단계 인증", "이중 인증"),
    ("cadence", "hourly"): ("매시간", "시간마다"),
    ("cadence", "daily"): ("매일", "일 단위로", "날마다", "매일 밤"),
    ("cadence", "weekly"): ("매주", "주 단위로", "주마다"),
    ("cadence", "monthly"): ("매월", "매달", "월 단위로", "달마다"),
    ("cadence", "quarterly"): ("분기마다", "매 분기", "분기별로"),
    ("cadence", "yearly"): ("매년", "연 1회", "해마다"),
    ("weekday", "monday"): ("월요일",), ("weekday", "tuesday"): ("화요일",),
    ("weekday", "wednesday"): ("수요일",), ("weekday", "thursday"): ("목요일",),
    ("weekday", "friday"): ("금요일",), ("weekday", "saturday"): ("토요일",), ("weekday", "sunday"): ("일요일",),
}

# sets Korean programmes decide on that the English catalogue does not hold
KO_CHOICE_SETS: tuple[ChoiceSet, ...] = (
    _cs("cloud provider", "naver cloud|ncp|네이버 클라우드|네이버클라우드",
        "nhn cloud|nhn 클라우드|nhn클라우드", "kt cloud|kt 클라우드", "kakao cloud|카카오 클라우드"),
    _cs("HR system", "sap successfactors|successfactors|석세스팩터스", "workday|워크데이",
        "douzone amaranth|더존 amaranth|더존 아마란스|더존|amaranth", "oracle hcm|오라클 hcm"),
    _cs("service desk", "servicenow|서비스나우", "zendesk|젠데스크", "jira service management|jira service desk",
        "freshdesk"),
    _cs("BSS suite", "amdocs|암독스", "netcracker|넷크래커", "ericsson bss|에릭슨", "oracle communications"),
    _cs("claims system", "guidewire claimcenter|guidewire|claimcenter|가이드와이어", "duck creek|덕크릭",
        "in-house build|사내 개발|자체 개발|자체 구축|직접 개발|사내 개발로"),
    _cs("campaign tool", "salesforce marketing cloud|세일즈포스 마케팅 클라우드", "adobe campaign|어도비 캠페인",
        "braze|브레이즈"),
    _cs("sign-in method", "kakao login|카카오 로그인|카카오톡 로그인", "naver login|네이버 로그인",
        "social login|소셜 로그인|간편 로그인", "own sign-up|자체 회원가입|자체 계정",
        "joint certificate|공동인증서|공인인증서", "mobile id|모바일 신분증"),
    _cs("identity provider", "okta|옥타", "entra id|microsoft entra id|azure ad|azure active directory",
        "ping identity|pingfederate", "keycloak"),
    _cs("operating model", "centralised|centralized|중앙 통합|하나의 중앙|중앙 집중|중앙에서 통합|통합 플랫폼",
        "per-region|decentralised|권역별|지역별로 각자|각자 독립적으로|분산 운영"),
    _cs("ERP", "sap s/4hana|s/4hana|sap erp", "oracle erp|oracle fusion", "더존 erp|douzone erp"),
    _cs("messaging channel", "kakao alimtalk|알림톡|카카오 알림톡", "sms|문자 메시지|lms"),
)


def catalogue(choice_sets: Sequence[ChoiceSet] = DEFAULT_CHOICE_SETS) -> tuple[ChoiceSet, ...]:
    """The given sets with Korean names added to known options, followed by the Korean-only sets."""
    out: list[ChoiceSet] = []
    for cs in choice_sets:
        opts = tuple(opt + KO_SYNONYMS.get((cs.name, opt[0]), ()) for opt in cs.options)
        out.append(ChoiceSet(cs.name, opts))
    return tuple(out) + KO_CHOICE_SETS


_LATIN = re.compile(r"[a-z0-9]")


class KoMatcher:
    """Finds options in Korean (or mixed) text. Latin names must stand apart from other Latin letters
    ("aws" not inside "laws"), Korean names may carry a particle ("카프카로", "더존을")."""

    def __init__(self, choice_sets: tuple[ChoiceSet, ...]) -> None:
        entries: list[tuple[str, str, str]] = []
        for cs in choice_sets:
            for opt in cs.options:
                for syn in opt:
                    entries.append((syn, cs.name, opt[0]))
        entries.sort(key=lambda e: -len(e[0]))
        alts = []
        self._by_syn: dict[str, tuple[str, str]] = {}
        for syn, set_name, canon in entries:
            if syn in self._by_syn:
                continue
            self._by_syn[syn] = (set_name, canon)
            pat = re.escape(syn).replace(r"\ ", r"\s*")
            if _LATIN.match(syn[0]):
                pat = r"(?<![a-z0-9])" + pat
            if _LATIN.match(syn[-1]):
                pat = pat + r"(?![a-z0-9])"
            alts.append(pat)
        self._re = re.compile("|".join(alts)) if alts else None
        self._cache: dict[str, list[tuple[str, str, int, int]]] = {}
        self._squashed = {re.sub(r"\s+", "", k): v for k, v in self._by_syn.items()}

    def mentions(self, text: str) -> list[tuple[str, str, int, int]]:
        # one statement meets many candidates: read its options once (the alternation is long)
        hit = self._cache.get(text)
        if hit is None:
            if len(self._cache) > 100_000:
                self._cache.clear()
            hit = self._cache[text] = self._find(text)
        return hit

    def _find(self, text: str) -> list[tuple[str, str, int, int]]:
        if self._re is None:
            return []
        low = text.lower()
        out = []
        for m in self._re.finditer(low):
            key = re.sub(r"\s+", " ", m.group(0))
            hit = self._by_syn.get(key) or self._by_syn.get(key.replace(" ", ""))
            if hit is None:
                hit = self._squashed.get(key.replace(" ", ""))
            if hit:
                out.append((hit[0], hit[1], m.start(), m.end()))
        return out


@lru_cache(maxsize=16)
def matcher_for(choice_sets: tuple[ChoiceSet, ...]) -> KoMatcher:
    return KoMatcher(catalogue(choice_sets))

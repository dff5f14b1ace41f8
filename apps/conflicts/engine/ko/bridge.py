"""Korean lemmas → English concepts, so a Korean and an English statement can share a subject.

Small on purpose: the nouns and verbs PMO requirements are built from (data, customer, keep, delete, approve …).
A mixed pair is only compared on language-neutral slots (figures in base units, named options, modality), and
this table is what says the two talk about the same thing.
"""

from __future__ import annotations

from functools import lru_cache

GLOSS: dict[str, str] = {
    "고객": "customer", "데이터": "data", "정보": "data", "개인정보": "personal data", "보관": "retain",
    "삭제": "delete", "로그": "log", "기록": "record", "접속": "access", "접근": "access", "승인": "approve",
    "검토": "review", "결재": "approve", "심사": "review", "동의": "consent", "지급": "pay", "급여": "payroll",
    "청구": "claim", "보험금": "claim payment", "계약": "contract", "직원": "employee", "관리자": "manager",
    "사용자": "user", "환자": "patient", "진료": "treatment", "예약": "appointment", "알림": "notification",
    "통지": "notify", "발송": "send", "문자": "sms", "이메일": "email", "메일": "email", "앱": "app",
    "모바일": "mobile", "포털": "portal", "시스템": "system", "플랫폼": "platform", "서버": "server",
    "클라우드": "cloud", "세션": "session", "로그인": "login", "인증": "authentication", "비밀번호": "password",
    "보고서": "report", "보고": "report", "대시보드": "dashboard", "배송": "delivery", "택배": "parcel",
    "주문": "order", "결제": "payment", "환불": "refund", "요금": "fee", "요금제": "plan", "가격": "price",
    "파일": "file", "업로드": "upload", "다운로드": "download", "백업": "backup", "장애": "incident",
    "응답": "response", "처리": "process", "이벤트": "event", "메시지": "message", "캠페인": "campaign",
    "마케팅": "marketing", "분석": "analytics", "모델": "model", "학습": "train", "암호화": "encrypt",
    "저장": "store", "전송": "transfer", "연동": "integrate", "통합": "integrate", "이관": "migrate",
    "배포": "deploy", "릴리스": "release", "오픈": "launch", "출시": "launch", "기능": "feature",
    "계정": "account", "카드": "card", "대출": "loan", "이체": "transfer", "거래": "transaction",
    "신청": "application", "허가": "permit", "민원": "request", "계량기": "meter", "검침": "meter reading",
    "사고": "accident", "보상": "compensation", "사진": "photo", "영상": "video", "채팅": "chat",
    "상담": "support", "상담원": "agent", "콜센터": "call centre", "티켓": "ticket", "문의": "inquiry",
    "가용률": "availability", "응답시간": "response time", "백오피스": "back office", "감사": "audit",
    "보안": "security", "비용": "cost", "예산": "budget", "일정": "schedule", "마감": "deadline",
}


@lru_cache(maxsize=100_000)
def english_concepts(lemmas: frozenset[str]) -> frozenset[str]:
    """The English analyser's normalised content words for the Korean lemmas this table knows."""
    from ..analysis import analyse

    words = [GLOSS[x] for x in sorted(lemmas) if x in GLOSS]
    words += [x for x in sorted(lemmas) if x.isascii() and x.isalpha()]  # "aws", "fte" stay themselves
    if not words:
        return frozenset()
    return analyse(" . ".join(words)).content

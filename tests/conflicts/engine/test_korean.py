"""Korean detection: the same kinds as in English, read through Kiwi's morphemes; mixed pairs on neutral slots.

The sentences here are written for these tests (none comes from an evaluation file).
"""
import subprocess
import sys

import pytest

from apps.conflicts.engine import Statement, StatementIndex, check, classify, split_statements
from apps.conflicts.engine.ko.analysis import analyse_ko
from apps.conflicts.engine.ko.quantities import extract
from apps.conflicts.engine.language import detect_language, language_coverage

DAY = 86400.0
YEAR = 365 * DAY


def st(key, text, **meta):
    return Statement(key=key, text=text, start=0, end=len(text), meta=meta)


def test_the_issue_pair_is_a_numeric_conflict_explained_in_korean():
    v = classify(st("a", "고객 데이터는 최소 5년 동안 보관해야 한다.", workstream="IT"),
                 st("b", "고객 데이터는 1년 후에 삭제해야 한다.", workstream="Data"))
    assert (v.label, v.kind) == ("conflict", "numeric")
    assert v.values == ("최소 5년", "1년")
    assert "IT" in v.explanation and "Data" in v.explanation and "수치" in v.explanation
    assert v.spans_a and v.spans_b


@pytest.mark.parametrize(("text", "dim", "low", "high", "role"), [
    ("접속 기록은 최소 3년 이상 보관한다.", "time", 3 * YEAR, float("inf"), "retention"),
    ("상담 녹취는 90일 이내에 파기한다.", "time", 0.0, 90 * DAY, "retention"),
    ("주문 이력은 24개월이 지나면 삭제한다.", "time", 0.0, 2 * YEAR, "retention"),
    ("환불은 3영업일 안에 처리한다.", "time", 0.0, 3 * DAY, ""),
    ("업로드 파일은 최대 20MB까지 허용한다.", "size", 0.0, 20e6, ""),
    ("100만 원을 초과하는 지출은 승인을 받는다.", "money:krw", 1e6, float("inf"), ""),
    ("5천만 원 미만 대출", "money:krw", 0.0, 5e7, ""),
    ("가용률은 99.9% 이상이어야 한다.", "percent", 99.9, float("inf"), ""),
    ("참가자는 최대 200명이다.", "count:명", 0.0, 200.0, ""),
    ("결과는 이틀 안에 알려야 한다.", "time", 0.0, 2 * DAY, ""),
    # compound durations add up; the comparator of either end holds for the whole
    ("이력은 1년 1개월 치를 보여준다.", "time", 13 * YEAR / 12, 13 * YEAR / 12, ""),
    ("장애는 1시간 30분 이내에 복구한다.", "time", 0.0, 5400.0, ""),
    ("계약서는 최소 2년 6개월 동안 보관한다.", "time", 2.5 * YEAR, float("inf"), "retention"),
    # "must not exceed" is a maximum; "closes after" bounds the window from above
    ("응답은 300초를 넘으면 안 된다.", "time", 0.0, 300.0, ""),
    ("신청 창구는 공고일로부터 14일이 지나면 닫힌다.", "time", 0.0, 14 * DAY, ""),
    # "12개월 동안 보존한 뒤 삭제": the keeping verb right after the figure governs it
    ("사진은 12개월 동안 보존한 뒤 삭제한다.", "time", YEAR, YEAR, "retention"),
    # "건당" is per item, not a rate per time
    ("파일은 한 건당 최대 50MB까지 올릴 수 있다.", "size", 0.0, 50e6, ""),
])
def test_korean_figures_become_intervals_in_base_units(text, dim, low, high, role):
    q = extract(text)[0]
    assert (q.dim, q.low, q.high, q.role) == (dim, pytest.approx(low), pytest.approx(high), role)


def test_clock_times_and_ranges_of_the_day():
    (q,) = extract("야간 작업은 오후 10시부터 다음 날 오전 4시까지 진행한다.")
    assert (q.dim, q.direction, q.low, q.high) == ("clock", "range", 22 * 3600, 28 * 3600)
    (p,) = extract("접수 마감은 오후 5시 30분이다.")
    assert (p.dim, p.low) == ("clock", 17.5 * 3600)
    (d,) = extract("새 제도는 2027년 3월부터 시행한다.")
    assert d.dim == "date" and d.low == 2027 * 12 + 3


@pytest.mark.parametrize(("a", "b", "label", "kind"), [
    # the same figure in other units: merge candidates
    ("주문 기록은 10년 동안 보관해야 한다.",
     "주문 기록은 120개월간 보존해야 한다.",
     "duplicate", "duplicate"),
    # a minimum and a maximum that overlap: both can hold
    ("로그는 최소 2년 이상 보관한다.",
     "8년이 지난 로그는 모든 시스템에서 삭제한다.",
     "neutral", ""),
    # two different deadlines for one thing
    ("배송 분실 신고는 7일 이내에 처리해야 한다.",
     "배송 분실 신고는 접수 후 30일 이내에 처리한다.",
     "conflict", "numeric"),
    # complementary thresholds: each rule covers the other's rest
    ("50만 원 미만 환불은 팀장 승인 없이 처리한다.",
     "50만 원 이상 환불은 팀장 승인을 받은 후에만 처리한다.",
     "neutral", ""),
    # options of one choice, in Korean and Latin names
    ("주문 시스템은 AWS 서울 리전에 구축한다.",
     "주문 시스템은 네이버 클라우드에 구축한다.",
     "conflict", "exclusive_choice"),
    ("이벤트는 카프카로 전달한다.",
     "이벤트는 Amazon Kinesis로 전달하며 별도의 Kafka는 운영하지 않는다.",
     "conflict", "exclusive_choice"),
    ("정산 데이터는 매일 밤 배치로 적재한다.",
     "정산 데이터는 실시간 스트리밍으로 적재한다.",
     "conflict", "exclusive_choice"),
    # permission against prohibition
    ("상담원은 고객 통화를 녹음할 수 있다.",
     "상담원이 고객 통화를 녹음하는 것은 금지한다.",
     "conflict", "negation"),
    # everyone against a pilot
    ("새 결재 앱은 모든 지점에 동시에 적용한다.",
     "새 결재 앱은 서울 지점 두 곳에서만 시범 적용한다.",
     "conflict", "scope"),
    # two definitions of one term
    ("'휴면 계정'은 1년 동안 로그인하지 않은 계정으로 정의한다.",
     '6개월 동안 접속이 없는 계정은 휴면 계정으로 본다.',
     'conflict', 'terminology'),
    # must-have against out of scope
    ("간편 결제 기능은 1차 오픈의 필수 기능이다.",
     "간편 결제 기능은 1차 범위에서 제외하고 2단계로 미룬다.",
     "conflict", "priority"),
    # a required step skipped
    ("가격 변경은 재무팀 승인을 받은 후에만 반영한다.",
     "영업 담당자가 가격 변경을 입력하면 별도 승인 없이 바로 반영된다.",
     "conflict", "process"),
    # one lists what the other names
    ("관리 화면은 주문 건수, 반품률, 재고 회전율을 보여준다.",
     "매장 관리자는 관리 화면에서 반품률을 확인할 수 있어야 한다.",
     "duplicate", "overlap"),
    # different topics
    ("구내식당은 금요일에 특식을 제공한다.",
     "데이터 웨어하우스는 매주 스냅샷을 만든다.",
     "neutral", ""),
])
def test_korean_pairs_by_kind(a, b, label, kind):
    v = classify(a, b)
    assert (v.label, v.kind) == (label, kind), v
    assert classify(b, a).label == label  # symmetric in meaning


def test_particles_and_word_order_do_not_hide_a_duplicate():
    a = analyse_ko("고객 데이터를 암호화해서 저장해야 한다.")
    b = analyse_ko("저장되는 고객 데이터는 반드시 암호화한다.")
    assert {"고객", "데이터", "암호화", "저장"} <= a.content & b.content


def test_a_mixed_korean_english_pair_compares_figures_and_options():
    v = classify(st("a", "Customer data must be deleted within 1 year.", workstream="Data"),
                 st("b", "고객 데이터는 최소 5년 동안 보관해야 한다.", workstream="IT"))
    assert (v.label, v.kind) == ("conflict", "numeric")
    assert v.values == ("within 1 year", "최소 5년")
    assert "Data" in v.explanation and "figures" in v.explanation and "수치" in v.explanation
    w = classify("The order platform will be hosted on Microsoft Azure.", "주문 플랫폼은 AWS 서울 리전에 구축한다.")
    assert (w.label, w.kind) == ("conflict", "exclusive_choice")
    unrelated = classify("Customer data must be deleted within 1 year.", "구내식당은 금요일에 특식을 제공한다.")
    assert unrelated.label == "neutral"


def test_language_detection_and_unsupported_text_is_never_compared():
    assert detect_language("고객 데이터는 AWS에 저장한다.") == "ko"
    assert detect_language("Customer data must be kept for five years.") == "en"
    for other in ("Les données des clients doivent être conservées pendant cinq ans.",
                  "顧客データは少なくとも5年間保存しなければならない。", "Данные клиентов хранятся пять лет."):
        assert detect_language(other) == "other"
    v = classify("Les données des clients doivent être supprimées après un an.",
                 "Customer data must be kept for at least five years.")
    assert (v.label, v.rule) == ("neutral", "unsupported_language")


def test_language_coverage_says_what_was_not_checked():
    text = "- Customer data must be kept for 5 years.\n- Les données sont supprimées après un an."
    cov = language_coverage(text)
    assert cov.languages == ("en", "other") and cov.statements == 2 and not cov.fully_checked
    assert "1 of 2 statements" in cov.notice and "English and Korean" in cov.notice
    assert language_coverage("고객 데이터는 5년 동안 보관한다.").notice == ""
    whole = language_coverage("顧客データは少なくとも5年間保存しなければならない。")
    assert whole.statements == 1 and whole.notice.startswith("This text is in a language conflict detection cannot")
    assert language_coverage("").notice == ""


def test_korean_statements_get_candidates_and_the_incremental_check_finds_the_conflict():
    index = StatementIndex()
    filler = [st(f"f{i}", f"{i}번 매장의 영업시간은 오전 9시부터 오후 9시까지이다.") for i in range(50)]
    index.add(filler + [st("it-1", "고객 데이터는 최소 5년 동안 보관해야 한다.", workstream="IT"),
                        st("en-1", "Customer data must be retained for at least 5 years.", workstream="Data")])
    new = split_statements("고객 데이터는 1년 후에 삭제해야 한다.", key_prefix="mk-")
    found = {f.b.key: f.verdict.kind for f in check(new, index) if f.verdict.label == "conflict"}
    assert found == {"it-1": "numeric", "en-1": "numeric"}


def test_korean_statements_split_into_sentences():
    sts = split_statements("고객 데이터는 5년 동안 보관한다. 로그는 1년 후 삭제한다.\n\n- 백업은 매일 한다.")
    assert [s.text for s in sts] == ["고객 데이터는 5년 동안 보관한다.", "로그는 1년 후 삭제한다.", "백업은 매일 한다."]


def test_the_korean_analyser_loads_lazily_once_per_process():
    code = ("import apps.conflicts.engine as e\nfrom apps.conflicts.engine.ko import morph\n"
            "e.classify('Logs are kept for 5 years.', 'Logs are deleted after 1 year.')\n"
            "assert not morph.loaded()\n"
            "e.classify('로그는 5년 동안 보관한다.', '로그는 1년 후 삭제한다.')\n"
            "k = morph.kiwi()\nassert morph.loaded() and morph.kiwi() is k\nprint('ok')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "ok"

"""Speed of Korean detection: ``python -m tools.conflicts.ko_bench --inputs 10000`` (or ``manage.py conflicts
bench-ko``).

Builds an index of N synthetic Korean inputs (2–4 statements each, IT / Marketing / Data subjects, figures,
options, modal endings, with input-specific words so the vocabulary grows like a real corpus), then times the
incremental check of new inputs against it (median of ``runs``). Also reports the Kiwi load time and peak
memory. Figures on a shared machine are noisy: say so beside them.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import time
from typing import TextIO

from apps.conflicts.engine import Statement, StatementIndex, check
from apps.conflicts.engine.ko import morph

_SUBJECTS = {
    "IT": ["고객 데이터", "접속 로그", "주문 시스템", "결제 서버", "인증 서비스", "백업 데이터",
           "배포 파이프라인", "API 게이트웨이"],
    "Marketing": ["캠페인 대시보드", "알림톡 발송", "회원 등급 정보", "쿠폰 발급 내역",
                  "뉴스레터 구독자 목록", "광고 성과 보고서"],
    "Data": ["분석용 데이터", "고객 세그먼트", "데이터 웨어하우스", "이탈 예측 모델",
             "매출 집계 테이블", "데이터 카탈로그"],
}
_TEMPLATES = [
    "{subj}는 최소 {n}개월 동안 보관해야 한다.",
    "{subj}는 {d}일 후에 삭제해야 한다.",
    "{subj}는 {opt}에서 운영한다.",
    "{subj} 화면은 {ms}밀리초 안에 응답해야 한다.",
    "{subj}는 매주 월요일 오전 {h}시에 갱신한다.",
    "{subj}는 모든 지점에 동시에 적용한다.",
    "{subj}는 일부 지점에서만 시범 운영한다.",
    "{subj}를 외부로 내려받는 것은 금지한다.",
    "{subj}는 팀장 승인을 받은 후에만 변경할 수 있다.",
    "{subj} 기능은 1차 오픈의 필수 기능이다.",
    "{subj}는 최대 {count}건까지 한 번에 처리할 수 있어야 한다.",
]
_OPTIONS = ["AWS 서울 리전", "네이버 클라우드", "Azure", "NHN 클라우드", "온프레미스 전산센터"]


def synthetic_korean_inputs(n_inputs: int, seed: int = 7) -> list[list[Statement]]:
    rng = random.Random(seed)
    tails = ["{w}차 워크숍 합의에 따라", "정책 P{p} 기준으로", "브랜드 B{b} 대상으로", "권역 R{r}에서",
             "과제 PG{g} 범위에서"]
    out = []
    for i in range(n_inputs):
        ws = rng.choice(list(_SUBJECTS))
        stmts = []
        for j in range(rng.choice((2, 3, 3, 4))):
            subj = rng.choice(_SUBJECTS[ws] + _SUBJECTS[rng.choice(list(_SUBJECTS))])
            text = rng.choice(_TEMPLATES).format(
                subj=subj, n=rng.choice((6, 12, 24, 36)), d=rng.choice((30, 90, 180)), ms=rng.choice((200, 500)),
                h=rng.choice((6, 9)), count=rng.choice((500, 1000, 5000)), opt=rng.choice(_OPTIONS))
            tail = rng.choice(tails).format(w=rng.randrange(1, 400), p=rng.randrange(1, 3000),
                                            b=rng.randrange(1, 500), r=rng.randrange(1, 200), g=rng.randrange(1, 900))
            text = f"{tail} {text}"
            stmts.append(Statement(key=f"ko{i}-{j}", text=text, start=0, end=len(text),
                                   meta={"workstream": ws, "input_id": f"ko{i}"}))
        out.append(stmts)
    return out


def _same_input(a: Statement, b: Statement) -> bool:
    return a.meta.get("input_id") == b.meta.get("input_id")


def bench(n_inputs: int, out: TextIO, *, runs: int = 9) -> dict[str, float]:
    t0 = time.perf_counter()
    morph.kiwi()
    load_s = time.perf_counter() - t0
    rss_after_load = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    inputs = synthetic_korean_inputs(n_inputs + runs)
    corpus = [s for inp in inputs[:n_inputs] for s in inp]
    index = StatementIndex()
    t1 = time.perf_counter()
    index.add(corpus)
    build_s = time.perf_counter() - t1
    times, found = [], 0
    for k in range(runs):
        new = inputs[n_inputs + k]
        t2 = time.perf_counter()
        found += len(check(new, index, exclude=_same_input))
        times.append((time.perf_counter() - t2) * 1000)
    res = {"inputs": n_inputs, "statements": len(corpus), "kiwi_load_s": load_s, "index_build_s": build_s,
           "check_median_ms": statistics.median(times), "check_max_ms": max(times),
           "rss_after_kiwi_mb": rss_after_load,
           "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    out.write(f"bench-ko: {n_inputs} Korean inputs, {len(corpus)} statements\n"
              f"  Kiwi load {load_s:.2f} s (max RSS after load {rss_after_load:.0f} MB)\n"
              f"  index built in {build_s:.1f} s (morphological analysis of every statement included)\n"
              f"  incremental check of one new input: median {res['check_median_ms']:.1f} ms, max "
              f"{res['check_max_ms']:.1f} ms over {runs} runs ({found} findings)\n"
              f"  peak memory (max RSS) {res['peak_rss_mb']:.0f} MB\n")
    return res


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--inputs", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args(argv)
    bench(args.inputs, sys.stdout, runs=args.runs)


if __name__ == "__main__":
    main()

"""Write a synthetic requirements file for import benchmarks (dev-only; never used by the product).

    python -m tools.interchange.sample_file --rows 10000 /tmp/reqs-10k.xlsx
    python -m tools.interchange.sample_file --rows 10000 --change-every 10 /tmp/reqs-10k-v2.csv

Rows are varied, realistic-looking requirement sentences with stable identifiers (REQ-00001 …), so a
second file written with --change-every N revises every Nth row of the first.
"""
from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

SUBJECTS = ["The customer portal", "The mobile app", "The data platform", "The CRM", "The newsletter service",
            "The order service", "The payment gateway", "The reporting suite", "The loyalty programme", "The API"]
VERBS = ["must respond within {n} ms", "must keep audit logs for {n} months", "must support {n} concurrent users",
         "must send at most {n} e-mails per week", "must be available {n}.9 % of the month",
         "must export reports every {n} days", "must encrypt backups older than {n} days",
         "must delete inactive accounts after {n} months", "must load pages in under {n} seconds",
         "must retry failed payments {n} times"]
KINDS = ["requirement", "constraint", "viewpoint", "assumption", "risk", "definition"]
PRIORITIES = ["must", "should", "could", "won't"]


def rows(n: int, change_every: int) -> list[list[str]]:
    rng = random.Random(20)  # noqa: S311 - synthetic data
    out = []
    for i in range(1, n + 1):
        subject, verb = rng.choice(SUBJECTS), rng.choice(VERBS).format(n=rng.randint(2, 90))
        text = f"{subject} {verb} (case {i})."
        if change_every and i % change_every == 0:
            text = text[:-1] + ", as agreed in the last review."
        out.append([f"REQ-{i:05d}", f"{subject}: requirement {i}", text, rng.choice(KINDS), rng.choice(PRIORITIES),
                    rng.choice(["security", "ops", "ux", "data", ""])])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--change-every", type=int, default=0)
    args = parser.parse_args()
    header = ["ID", "Title", "Description", "Type", "Priority", "Labels"]
    data = rows(args.rows, args.change_every)
    if args.out.suffix == ".xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Requirements")
        ws.append(header)
        for row in data:
            ws.append(row)
        wb.save(args.out)
    else:
        with args.out.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(data)
    print(f"{args.out}: {len(data)} rows")


if __name__ == "__main__":
    main()

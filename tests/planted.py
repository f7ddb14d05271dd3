"""A hand-made portfolio in which each delinquent loan is planted to trip one selection rule."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

from tests.litigation_support import interest_only

from overdue.ledger.contract import (
    Contract,
    LenderType,
    Loan,
    Payment,
    RepaymentMethod,
)
from overdue.portfolio.frames import write_portfolio
from overdue.portfolio.run import run_nightly

AS_OF = dt.date(2026, 11, 20)


def _id(county: str, born: str, seq: str) -> str:
    """A synthetic identity number with the GB 11643-1999 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = county + born + seq
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _bullet(
    loan_id: str, principal: str, disbursed: dt.date, *, private: bool = False, withheld: str = "0"
) -> Loan:
    return Loan(
        loan_id,
        Contract(
            principal=Decimal(principal),
            disbursed_on=disbursed,
            term_months=3,
            method=RepaymentMethod.BULLET,
            rate=Decimal("0.18"),
            lender_type=LenderType.PRIVATE if private else LenderType.LICENSED,
            upfront_fee=Decimal(withheld),
            upfront_fee_deducted=withheld != "0",
        ),
    )


# loan id -> (what it plants, the rule expected to exclude it; None: selected)
PLANTED: dict[str, tuple[str, str | None]] = {
    "A-OK": ("200 days overdue, 20,000", None),
    "B-DISPUTE": ("an open dispute", "open_dispute"),
    "C-RESOLVED": ("a dispute, then resolved; 1,000 withheld from the 20,000 paid out", None),
    "D-PROMISE": ("a promise to pay until after the as-of date", "active_promise"),
    "E-SUED": ("already sued", "already_sued"),
    "F-EARLY": ("40 days overdue", "min_dpd"),
    "G-SMALL": ("a claim of about 1,000", "min_claim"),
    "H-BADID": ("a wrong check digit", "defendant"),
    "I-NOCOURT": ("a county without a court", "court"),
    "J-LIMIT": ("limitation ends within the margin", "limitation"),
    "K-PRIVATE": ("a private loan in a licensed-only batch", "lender_type"),
    "L-PLAN": ("a repayment plan running", "active_plan"),
}


def plan_loan() -> Loan:
    """L-PLAN: interest only at 3 % a month on 20,000, 600.00 due on the 20th from 2024-07-20;
    24 paid on time, none since 2026-07-20. The interest paid above 24 % exceeds the 2,400.00
    overdue on AS_OF: the rest is set off against the principal claimed by acceleration."""
    return interest_only(
        36, 24, principal="20000.00", disbursed_on=dt.date(2024, 6, 20), loan_id="L-PLAN"
    )


def make_planted(root: Path) -> tuple[Path, Path]:
    """Write the planted portfolio under ``root`` and run the nightly batch on it as of AS_OF;
    return (portfolio dir, run dir)."""
    data = root / "data"
    base = dt.date(2026, 1, 20)  # due 2026-04-20: 214 days overdue on 2026-11-20
    loans = [
        _bullet(
            i,
            "20000",
            base,
            private=(i == "K-PRIVATE"),
            withheld="1000" if i == "C-RESOLVED" else "0",
        )
        for i in PLANTED
        if i not in ("F-EARLY", "G-SMALL", "J-LIMIT", "L-PLAN")
    ]
    loans.append(_bullet("F-EARLY", "20000", dt.date(2026, 7, 11)))  # due 10-11: 40 days
    loans.append(plan_loan())
    loans.append(_bullet("G-SMALL", "950", base))
    # Due 2023-12-20 and never paid: three years end 2026-12-20 (a Sunday -> 12-21), 31 days on.
    loans.append(_bullet("J-LIMIT", "20000", dt.date(2023, 9, 20)))
    # One current loan, paid in full on its due date: not delinquent, not in the decisions.
    current = _bullet("Z-CURRENT", "5000", base)
    loans.append(
        Loan(
            current.loan_id,
            current.contract,
            (Payment(dt.date(2026, 4, 20), Decimal("5225.00"), "pay-1"),),
        )
    )
    write_portfolio(loans, data)
    (data / "events.parquet").unlink()
    events = [
        ("e1", "B-DISPUTE", "2026-09-01", "dispute", "", "借款人称未收到全额借款"),
        ("e2", "C-RESOLVED", "2026-08-01", "dispute", "", ""),
        ("e3", "C-RESOLVED", "2026-08-20", "dispute_resolved", "", ""),
        ("e4", "D-PROMISE", "2026-11-10", "promise", "2026-12-10", "承诺12月10日前还清"),
        ("e5", "E-SUED", "2026-10-01", "suit", "", ""),
        ("e6", "A-OK", "2026-06-01", "demand", "", "短信催收"),
        ("e7", "A-OK", "2026-08-01", "demand", "", "电话催收"),
        ("e8", "L-PLAN", "2026-10-15", "plan", "2027-04-15", "分6期还款"),
    ]
    with (data / "events.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["event_id", "loan_id", "on", "kind", "until", "note"])
        w.writerows(events)
    with (data / "borrowers.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["borrower_id", "name", "id_number", "phone", "address", "county_code"])
        for n, loan in enumerate(loans):
            county = "110105" if n % 2 else "330106"
            number = _id(county, "19900101", f"{n:03d}")
            if loan.loan_id == "H-BADID":
                number = number[:17] + ("0" if number[17] != "0" else "1")
            if loan.loan_id == "I-NOCOURT":
                county = "990101"
            w.writerow(
                [
                    f"B-{loan.loan_id}",
                    f"测试{n:02d}号",
                    number,
                    f"1380000{n:04d}",
                    f"某省某市某区示例路{n}号",
                    county,
                ]
            )
    run = root / "run"
    run_nightly(data, run, AS_OF)
    return data, run

"""Worked examples of the reference ledger, written as a credit analyst would check them.

Each test states a small loan, its payments, and the expected figures computed by hand in
the comments (base x rate x days / basis, rounded half-up to the fen).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from overdue.ledger.contract import (
    Allocation,
    AllocationBy,
    Component,
    Contract,
    DayCount,
    EventKind,
    GivenInstallment,
    LenderType,
    Loan,
    LoanEvent,
    Payment,
    RepaymentMethod,
)
from overdue.ledger.engine import bucket_of, loan_state, replay
from overdue.rules.caps import CapProfile

pytestmark = pytest.mark.unit

D = Decimal
day = dt.date.fromisoformat


def three_month_loan(**terms: object) -> Contract:
    """12,000 yuan, 3 months, equal principal, 12 % a year (1 % a month), ACT/360.

    Schedule: 02-15 4,000 + 120 interest; 03-15 4,000 + 80; 04-15 4,000 + 40.
    Penalty rate 18 % (12 % + 50 %).
    """
    base: dict[str, object] = {
        "principal": D("12000.00"),
        "disbursed_on": day("2025-01-15"),
        "term_months": 3,
        "method": RepaymentMethod.EQUAL_PRINCIPAL,
        "rate": D("0.12"),
    }
    base.update(terms)
    return Contract(**base)  # type: ignore[arg-type]


def loan(
    contract: Contract, *payments: tuple[str, str], events: tuple[LoanEvent, ...] = ()
) -> Loan:
    return Loan(
        "T-1",
        contract,
        tuple(Payment(day(on), D(amount), f"P{i}") for i, (on, amount) in enumerate(payments, 1)),
        events,
    )


@pytest.mark.parametrize(
    ("dpd", "bucket"),
    [
        (0, "M0"),
        (1, "M1"),
        (30, "M1"),
        (31, "M2"),
        (60, "M2"),
        (61, "M3"),
        (150, "M5"),
        (151, "M6+"),
        (900, "M6+"),
    ],
)
def test_buckets_follow_thirty_day_bands(dpd: int, bucket: str) -> None:
    assert bucket_of(dpd) == bucket


def test_unpaid_first_installment_accrues_penalty_from_the_day_after_due() -> None:
    # As of 03-01 installment 1 (due 02-15) is 14 days late: 4,000 x 0.18 x 14 / 360 = 28.00.
    s = loan_state(loan(three_month_loan()), day("2025-03-01"))
    assert (s.dpd, s.bucket) == (14, "M1")
    assert s.overdue_principal == D("4000.00")
    assert s.overdue_interest == D("120.00")
    assert s.penalty_interest == D("28.00")
    assert s.fees == D("0.00")
    assert s.total_due == D("4148.00")
    assert s.outstanding_principal == D("12000.00")
    assert (s.next_due_on, s.next_due_amount) == (day("2025-03-15"), D("4080.00"))


def test_nothing_is_overdue_on_the_due_date_itself() -> None:
    s = loan_state(loan(three_month_loan()), day("2025-02-15"))
    assert (s.dpd, s.total_due, s.penalty_interest) == (0, D("0.00"), D("0.00"))
    assert (s.next_due_on, s.next_due_amount) == (day("2025-02-15"), D("4120.00"))


def test_partial_payment_pays_penalty_before_interest_before_principal() -> None:
    # 100.00 on 03-01: penalty 28.00 first, then 72.00 of the 120.00 interest.
    s = loan_state(loan(three_month_loan(), ("2025-03-01", "100.00")), day("2025-03-01"))
    assert s.penalty_interest == D("0.00")
    assert s.overdue_interest == D("48.00")
    assert s.overdue_principal == D("4000.00")
    assert s.dpd == 14
    # Ten days later the principal has accrued 4,000 x 0.18 x 10 / 360 = 20.00 more.
    later = loan_state(loan(three_month_loan(), ("2025-03-01", "100.00")), day("2025-03-11"))
    assert (later.dpd, later.penalty_interest) == (24, D("20.00"))


def test_late_fee_is_a_share_of_the_overdue_installment_with_a_minimum() -> None:
    # Installment 1 (4,120.00) unpaid on 02-16: 5 % = 206.00. With a 300.00 minimum: 300.00.
    share = loan_state(loan(three_month_loan(late_fee_rate=D("0.05"))), day("2025-02-16"))
    floor = loan_state(
        loan(three_month_loan(late_fee_rate=D("0.05"), late_fee_min=D("300.00"))), day("2025-02-16")
    )
    assert share.fees == D("206.00")
    assert floor.fees == D("300.00")


def test_compound_interest_runs_on_unpaid_interest_at_the_penalty_rate() -> None:
    # 120.00 x 0.18 x 14 / 360 = 0.84.
    s = loan_state(loan(three_month_loan(compound=True)), day("2025-03-01"))
    assert s.compound_interest == D("0.84")
    assert s.penalty_interest == D("28.00")


def test_a_payment_that_repays_the_rest_early_is_charged_interest_only_for_the_days_borrowed() -> (
    None
):
    # Installment 1 paid on 02-15. On 03-05 the borrower pays 8,053.33: the 8,000.00 of
    # principal not yet due, with interest from 02-15 to 03-05 — 8,000 x 0.12 x 18 / 360 =
    # 48.00 (民法典 Art. 677) — is 8,048.00, so the loan is repaid that day and 5.33 is left as
    # credit (owed back). The schedule's 80.00 + 40.00 of interest for March and April is not.
    paid = loan(three_month_loan(), ("2025-02-15", "4120.00"), ("2025-03-05", "8053.33"))
    r = replay(paid, day("2025-06-30"))
    s = r.state
    assert (s.outstanding_principal, s.total_due, s.credit, s.dpd) == (D("0"), D("0"), D("5.33"), 0)
    assert (s.next_due_on, s.next_due_amount) == (None, D("0"))
    assert s.cap.charged == D("168.00")  # 120.00 + 48.00
    assert s.limitation.starts_on == day("2025-03-05")
    early = [c for c in r.explanation.charges if "提前还清" in c.rule]
    assert [(c.installment, c.component, c.days, c.amount) for c in early] == [
        (2, "interest", 18, D("48.00")),
        (2, "principal", None, D("4000.00")),
        (3, "principal", None, D("4000.00")),
    ]
    assert "第六百七十七条" in early[0].rule


def test_one_fen_short_of_repaying_early_stays_a_credit_on_the_schedule() -> None:
    # 8,047.99 is one fen short of 8,048.00: the loan runs on and the credit waits for 03-15.
    paid = loan(three_month_loan(), ("2025-02-15", "4120.00"), ("2025-03-05", "8047.99"))
    s = loan_state(paid, day("2025-03-10"))
    assert (s.outstanding_principal, s.credit) == (D("8000.00"), D("8047.99"))
    assert s.next_due_on == day("2025-03-15")


def test_the_last_installment_paid_a_few_days_ahead_gives_back_the_days_not_borrowed() -> None:
    # Installments 1 and 2 paid on their dates; 4,040.00, installment 3 in full, on 04-10, five
    # days early. Its payoff that day is 4,000 + 4,000 x 0.12 x 26 / 360 = 4,034.67 (the
    # schedule's 40.00 was for 31 days): the loan is repaid on 04-10 and 5.33 is owed back —
    # the same as paying 4,034.67 (民法典 Art. 677; a contract agreeing otherwise is not
    # modelled). Paying more never costs more.
    for paid, back in (("4040.00", D("5.33")), ("4034.67", D("0.00"))):
        ahead = loan(
            three_month_loan(),
            ("2025-02-15", "4120.00"), ("2025-03-15", "4080.00"), ("2025-04-10", paid),
        )  # fmt: skip
        s = loan_state(ahead, day("2025-04-12"))
        assert (s.outstanding_principal, s.credit, s.next_due_on) == (D("0"), back, None)
        assert s.cap.charged == D("234.67")  # 120.00 + 80.00 + 34.67
    short = loan(
        three_month_loan(),
        ("2025-02-15", "4120.00"), ("2025-03-15", "4080.00"), ("2025-04-10", "4034.66"),
    )  # fmt: skip
    s = loan_state(short, day("2025-04-12"))
    assert (s.outstanding_principal, s.credit, s.next_due_on) == (
        D("4000.00"), D("4034.66"), day("2025-04-15"),
    )  # fmt: skip


def test_repaying_early_charges_the_period_s_service_fee_for_the_days_borrowed() -> None:
    # 3,000 at 0 % over three months with 50.00 of service fee a month (equal principal):
    # installment 1 (1,050.00) paid on 02-15; the rest on 03-05, 18 of the period's 28 days:
    # 2,000 + 50 x 18 / 28 = 2,032.14. The third month's fee is not charged.
    fees = three_month_loan(principal=D("3000.00"), rate=D("0"), service_fee=D("50.00"))
    r = replay(loan(fees, ("2025-02-15", "1050.00"), ("2025-03-05", "2032.14")), day("2025-06-30"))
    s = r.state
    assert (s.outstanding_principal, s.total_due, s.credit) == (D("0"), D("0"), D("0"))
    assert s.cap.charged == D("82.14")  # 50.00 + 32.14
    line = next(c for c in r.explanation.charges if c.component == "service_fee" and c.days)
    assert (line.installment, line.days, line.amount) == (2, 18, D("32.14"))
    assert "18/28" in line.rule
    one_day_later = loan(fees, ("2025-02-15", "1050.00"), ("2025-03-06", "2033.93"))
    assert loan_state(one_day_later, day("2025-06-30")).cap.charged == D("83.93")  # 50 x 19 / 28


def test_with_no_principal_left_a_surplus_does_not_repay_the_rest_of_the_schedule() -> None:
    # A schedule from the lender: 10,000.00 + 100.00 on 02-15, then 100.00 of interest and
    # 50.00 of fee on 03-15 with no principal. 10,100.01 on 02-15 leaves 0.01 of credit: no
    # principal is out, so there is nothing to repay early, and the 150.00 is still owed.
    plain = three_month_loan(principal=D("10000.00"), term_months=2)
    given = (
        GivenInstallment(1, day("2025-02-15"), D("10000.00"), D("100.00"), D("0")),
        GivenInstallment(2, day("2025-03-15"), D("0"), D("100.00"), D("50.00")),
    )
    paid = Loan("T-2", plain, (Payment(day("2025-02-15"), D("10100.01"), "P1"),), (), given)
    s = loan_state(paid, day("2025-04-30"))
    assert (s.total_due, s.dpd) == (D("149.99"), 46)


def test_a_bullet_loan_repaid_mid_term_pays_interest_to_that_day() -> None:
    # 10,000 for 6 months at 12 % a year, ACT/365, one repayment on 07-15 (principal + 600.00).
    # Repaid on 04-15 with 10,000 + 10,000 x 0.12 x 90 / 365 = 10,295.89: settled that day.
    bullet = three_month_loan(
        principal=D("10000.00"), term_months=6, method=RepaymentMethod.BULLET,
        day_count=DayCount.ACT_365,
    )  # fmt: skip
    s = loan_state(loan(bullet, ("2025-04-15", "10295.89")), day("2025-05-01"))
    assert (s.outstanding_principal, s.credit, s.total_due, s.next_due_on) == (
        D("0"), D("0"), D("0"), None,
    )  # fmt: skip
    short = loan_state(loan(bullet, ("2025-04-15", "10295.88")), day("2025-05-01"))
    assert (short.outstanding_principal, short.credit) == (D("10000.00"), D("10295.88"))


def test_repaying_the_rest_on_a_due_date_owes_no_interest_beyond_that_installment() -> None:
    # On 03-15 installment 2 (4,080.00) falls due and is paid first; the 4,000.00 left of
    # installment 3 has had no day since 03-15: 8,080.00 repays the loan exactly.
    paid = loan(three_month_loan(), ("2025-02-15", "4120.00"), ("2025-03-15", "8080.00"))
    s = loan_state(paid, day("2025-03-15"))
    assert (s.outstanding_principal, s.credit, s.total_due) == (D("0"), D("0"), D("0"))
    assert s.cap.charged == D("200.00")  # 120.00 + 80.00


def test_surplus_is_a_credit_applied_when_the_next_installment_falls_due() -> None:
    # 5,000.00 on 02-15 pays installment 1 (4,120.00); 880.00 is kept as credit, and on
    # 03-15 pays installment 2's 80.00 interest and 800.00 of its principal.
    paid = loan(three_month_loan(), ("2025-02-15", "5000.00"))
    before = loan_state(paid, day("2025-03-14"))
    assert (before.credit, before.dpd) == (D("880.00"), 0)
    assert (before.next_due_on, before.next_due_amount) == (day("2025-03-15"), D("3200.00"))
    on_due = loan_state(paid, day("2025-03-15"))
    assert (on_due.credit, on_due.dpd, on_due.outstanding_principal) == (D("0.00"), 0, D("7200.00"))
    # The next day 3,200.00 of principal is one day late: 3,200 x 0.18 / 360 = 1.60.
    after = loan_state(paid, day("2025-03-16"))
    assert (after.dpd, after.overdue_principal, after.penalty_interest) == (
        1,
        D("3200.00"),
        D("1.60"),
    )


def test_allocation_by_installment_clears_the_oldest_installment_first() -> None:
    # Both installments overdue on 03-20. Installment 1: penalty 4,000 x .18 x 33/360 = 66.00,
    # interest 120. Installment 2: penalty 4,000 x .18 x 5/360 = 10.00, interest 80.
    by_installment = Allocation(by=AllocationBy.INSTALLMENT)
    s = replay(
        loan(three_month_loan(allocation=by_installment), ("2025-03-20", "4200.00")),
        day("2025-03-20"),
    ).state
    inst1, inst2 = s.installments[0], s.installments[1]
    assert inst1.unpaid_scheduled == D("0.00")  # 66 + 120 + 4,000 = 4,186.00 paid in full
    assert inst2.paid["penalty"] == D("10.00")  # the remaining 14.00: penalty 10.00, interest 4.00
    assert inst2.paid["interest"] == D("4.00")
    # By component (default) the same payment pays both penalties, then both interests, then
    # principal of installment 1: 4,200 - 76 - 200 = 3,924.00.
    default = replay(loan(three_month_loan(), ("2025-03-20", "4200.00")), day("2025-03-20")).state
    assert default.installments[0].paid["principal"] == D("3924.00")
    assert default.installments[1].paid["interest"] == D("80.00")


def test_a_backdated_payment_gives_the_same_state_as_one_entered_on_time() -> None:
    on_time = loan(three_month_loan(), ("2025-02-15", "4120.00"), ("2025-03-20", "1000.00"))
    backdated = loan(three_month_loan(), ("2025-03-20", "1000.00"), ("2025-02-15", "4120.00"))
    assert loan_state(on_time, day("2025-05-01")) == loan_state(backdated, day("2025-05-01"))


def test_payments_after_the_as_of_date_are_ignored() -> None:
    with_future = loan(three_month_loan(), ("2025-02-15", "4120.00"), ("2025-06-01", "9999.00"))
    without = loan(three_month_loan(), ("2025-02-15", "4120.00"))
    assert loan_state(with_future, day("2025-04-01")) == loan_state(without, day("2025-04-01"))


def test_penalty_span_ends_only_when_the_borrower_pays() -> None:
    # Installment 1 late from 02-16; a payment on 03-20 ends its first span (33 days), the
    # due dates of other installments do not.
    r = replay(loan(three_month_loan(), ("2025-03-20", "50.00")), day("2025-04-30"))
    spans = [c for c in r.explanation.charges if c.component == "penalty" and c.installment == 1]
    assert [(c.start, c.end, c.days, c.base, c.amount) for c in spans] == [
        (day("2025-02-16"), day("2025-03-20"), 33, D("4000.00"), D("66.00")),
        # 03-21..04-30 = 41 days on 4,000: 82.00
        (day("2025-03-21"), day("2025-04-30"), 41, D("4000.00"), D("82.00")),
    ]


def test_cap_allowance_is_24_percent_of_outstanding_principal_over_each_day() -> None:
    # As of 03-01: 12,000 outstanding for 45 days (01-16..03-01): 12,000 x .24 x 45 / 365
    # = 355.0684... -> 355.07. Charged 120 interest + 28 penalty = 148.00: within the cap.
    s = loan_state(loan(three_month_loan()), day("2025-03-01"))
    assert s.cap.profile == "licensed-24"
    assert s.cap.allowed == D("355.07")
    assert s.cap.charged == D("148.00")
    assert s.cap.excess == D("0.00")
    assert s.cap.annual_rate == D("0.100037")  # 148 x 365 / (12,000 x 45)
    assert s.claimable_total == s.total_due


def test_cost_above_the_cap_is_given_up_fees_first() -> None:
    # An upfront fee of 600.00 alone exceeds the 355.07 allowance by 244.93 + 148.00 = 392.93.
    s = loan_state(loan(three_month_loan(upfront_fee=D("600.00"))), day("2025-03-01"))
    assert s.cap.charged == D("748.00")
    assert s.cap.excess == D("392.93")
    # Unpaid cost (28 penalty + 120 interest) is given up in full, then 244.93 of principal.
    assert s.claimable["penalty"] == D("0.00")
    assert s.claimable["interest"] == D("0.00")
    assert s.claimable["principal"] == D("3755.07")
    assert s.claimable_total == D("3755.07")


def test_a_fee_withheld_from_the_amount_paid_out_is_not_lent_and_not_owed() -> None:
    """民法典 Art. 670: 600.00 withheld from 12,000.00, so 11,400.00 was lent. Equal principal
    on 11,400: 3,800 a month with 1 % interest: 02-15 114.00, 03-15 76.00, 04-15 38.00. As of
    03-01, unpaid since 02-15: penalty 3,800 x 18 % x 14 / 360 = 26.60; the fee is no cost."""
    s = loan_state(
        loan(three_month_loan(upfront_fee=D("600.00"), upfront_fee_deducted=True)),
        day("2025-03-01"),
    )
    assert s.outstanding_principal == D("11400.00")
    assert (s.overdue_principal, s.overdue_interest) == (D("3800.00"), D("114.00"))
    assert s.penalty_interest == D("26.60")
    assert s.total_due == D("3940.60")
    assert s.cap.charged == D("140.60")  # 114.00 + 26.60: no fee
    assert s.cap.allowed == D("337.32")  # 11,400 x 24 % x 45 / 365 = 337.315...
    assert s.claimable_total == s.total_due
    assert [i.scheduled for i in s.installments] == [D("3914.00"), D("3876.00"), D("3838.00")]


def test_the_withheld_fee_is_explained_and_a_supplied_schedule_gives_way() -> None:
    withheld = three_month_loan(upfront_fee=D("600.00"), upfront_fee_deducted=True)
    r = replay(loan(withheld), day("2025-03-01"))
    [line] = [c for c in r.explanation.charges if c.component == "upfront_fee"]
    assert line.amount == D("0.00")
    assert "第六百七十条" in line.rule
    assert "600.00" in line.rule
    assert "11,400.00" in line.rule
    # The lender's schedule on the contract's 12,000 does not apply to the 11,400 lent.
    given = tuple(
        GivenInstallment(i.no, i.due_on, i.principal, i.interest)
        for i in replay(loan(three_month_loan()), day("2025-03-01")).schedule.installments
    )
    with_given = replace(loan(withheld), installments=given)
    assert loan_state(with_given, day("2025-03-01")) == r.state
    # Paid at disbursement instead of withheld, the fee is a cost and 12,000 was lent.
    paid = loan_state(loan(three_month_loan(upfront_fee=D("600.00"))), day("2025-03-01"))
    assert (paid.outstanding_principal, paid.cap.charged) == (D("12000.00"), D("748.00"))


def test_a_withheld_fee_must_leave_something_lent() -> None:
    with pytest.raises(ValueError, match="less than"):
        three_month_loan(upfront_fee=D("12000.00"), upfront_fee_deducted=True)
    assert three_month_loan(upfront_fee=D("12000.00")).lent == D("12000.00")


def test_no_cap_profile_claims_everything() -> None:
    s = loan_state(
        loan(three_month_loan(upfront_fee=D("600.00"))), day("2025-03-01"), cap=CapProfile.NONE
    )
    assert (s.cap.allowed, s.cap.excess, s.claimable_total) == (None, D("0.00"), s.total_due)
    # The cost as an annual rate is still stated: 748.00 x 365 / (12,000 x 45) = 0.505592...
    assert s.cap.annual_rate == D("0.505593")


def test_private_loan_cap_is_four_times_the_lpr_at_contract_date() -> None:
    # Contract 2025-01-15: LPR published 2024-12-20 is 3.10 %, cap 12.40 %.
    s = loan_state(loan(three_month_loan(lender_type=LenderType.PRIVATE)), day("2025-03-01"))
    assert s.cap.profile == "private-4lpr"
    assert s.cap.cap_rate == D("0.1240")
    # 12,000 x 0.124 x 45 / 365 = 183.4520... -> 183.45
    assert s.cap.allowed == D("183.45")


def test_a_cap_on_an_lpr_the_table_may_lack_says_so_apart_from_its_rule() -> None:
    # Disbursed 2026-06-05, after the table's last publication (2026-02-24): the rule names the
    # publication used; the caveat is a note (shown on the command line, never in a complaint).
    s = loan_state(
        loan(three_month_loan(lender_type=LenderType.PRIVATE, disbursed_on=day("2026-06-05"))),
        day("2026-08-01"),
    )
    assert s.cap.rules == (
        "法释〔2020〕17号第二十五、二十九条：合同成立时一年期LPR 3%（2026年2月24日发布）的4倍",
    )
    (note,) = s.cap.notes
    assert "未录入" in note
    assert "请核实" in note
    assert (
        loan_state(
            loan(three_month_loan(lender_type=LenderType.PRIVATE)), day("2025-03-01")
        ).cap.notes
        == ()
    )


def test_limitation_runs_three_years_from_the_last_installment() -> None:
    # Final installment due 2025-04-15 -> 2028-04-15, beyond the holiday calendar: the nominal
    # day is reported and flagged.
    s = loan_state(loan(three_month_loan()), day("2025-05-01"))
    assert s.limitation.starts_on == day("2025-04-15")
    assert s.limitation.expires_on == day("2028-04-15")
    assert s.limitation.calendar_covered is False


def test_a_demand_restarts_the_limitation_period_and_rolls_over_a_holiday() -> None:
    # A 2022 loan whose last installment fell due 2023-04-15; a demand on 2023-10-01 restarts
    # the 3 years, which end on 2026-10-01, National Day; the holiday runs to 10-07 (State
    # Council 2026 schedule), so the period ends on Thursday 2026-10-08.
    contract = three_month_loan(disbursed_on=day("2023-01-15"))
    demand = (LoanEvent(day("2023-10-01"), EventKind.DEMAND),)
    s = loan_state(loan(contract, events=demand), day("2024-01-01"))
    assert (s.limitation.starts_on, s.limitation.interrupted_by) == (day("2023-10-01"), "demand")
    assert s.limitation.nominal_expires_on == day("2026-10-01")
    assert s.limitation.expires_on == day("2026-10-08")
    assert s.limitation.calendar_covered is True


def test_a_partial_payment_after_maturity_restarts_the_limitation_period() -> None:
    contract = three_month_loan(disbursed_on=day("2022-01-15"))
    s = loan_state(loan(contract, ("2023-06-07", "10.00")), day("2024-01-01"))
    # 2026-06-07 is a Sunday; Monday 2026-06-08 is a working day.
    assert (s.limitation.starts_on, s.limitation.interrupted_by) == (day("2023-06-07"), "payment")
    assert s.limitation.expires_on == day("2026-06-08")


def test_paid_off_loan_has_nothing_due_and_no_next_installment() -> None:
    paid = loan(
        three_month_loan(),
        ("2025-02-15", "4120.00"),
        ("2025-03-15", "4080.00"),
        ("2025-04-15", "4040.00"),
    )
    s = loan_state(paid, day("2025-05-01"))
    assert (s.dpd, s.total_due, s.outstanding_principal, s.next_due_on) == (
        0,
        D("0.00"),
        D("0.00"),
        None,
    )
    assert (s.last_payment_on, s.last_payment_amount, s.paid_total) == (
        day("2025-04-15"),
        D("4040.00"),
        D("12240.00"),
    )
    assert all(i.unpaid_scheduled == 0 for i in s.installments)


def test_state_before_disbursement_is_refused() -> None:
    with pytest.raises(ValueError, match="before disbursement"):
        loan_state(loan(three_month_loan()), day("2025-01-01"))


def test_every_component_of_total_due_is_reported() -> None:
    s = loan_state(
        loan(three_month_loan(compound=True, late_fee_rate=D("0.05"))), day("2025-04-30")
    )
    parts = (
        s.overdue_principal + s.overdue_interest + s.penalty_interest + s.compound_interest + s.fees
    )
    assert s.total_due == parts
    assert set(s.claimable) == {c.value for c in Component}

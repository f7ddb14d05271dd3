"""The batch kernel: the reference ledger's replay, compiled, in integer fen with exact rationals.

One call computes the state of every loan of a portfolio as of one date. It mirrors
:func:`overdue.ledger.engine.replay` step by step — the same timeline of days, the same
accrual spans, the same allocation, the same rounding — so that the two agree to the fen on
every field; the differential test in ``tests/integration/test_kernel_differential.py``
holds it to that. Read the engine's module docstring for the rules; comments here only say
how a step is done in integers.

Arithmetic: amounts are int64 fen. Every rate is an exact rational ``num / den``; a product
``amount x rate x days / basis`` is computed by :func:`muldiv`, which divides a 64 x 64-bit
product exactly (long multiplication in base 2^13), so nothing overflows and nothing is
rounded except by the rule (half-up, once per span).

Dates are int32 days since 1970-01-01.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit, prange

__all__ = [
    "CAUSE_NAMES",
    "COMPONENTS",
    "OUT_DATE_FIELDS",
    "OUT_MONEY_FIELDS",
    "civil_from_days",
    "days_from_civil",
    "decimal_words",
    "group_by_loan",
    "muldiv",
    "run_kernel",
]

# Component codes, in the order of overdue.ledger.contract.Component.
LATE_FEE, SERVICE_FEE, PENALTY, COMPOUND, INTEREST, PRINCIPAL = 0, 1, 2, 3, 4, 5
COMPONENTS = ("late_fee", "service_fee", "penalty", "compound", "interest", "principal")
# engine.CAP_REDUCTION_ORDER
_REDUCTION = np.array([LATE_FEE, SERVICE_FEE, COMPOUND, PENALTY, INTEREST, PRINCIPAL], np.int64)

# Methods, in the order of overdue.ledger.contract.RepaymentMethod.
EQUAL_INSTALLMENT, EQUAL_PRINCIPAL, INTEREST_ONLY, BULLET = 0, 1, 2, 3

# What started the limitation period. Codes 1-4 sort as the kind names do (the engine takes
# the alphabetically first kind among interruptions on the latest day).
CAUSE_NAMES = ("final-due-date", "acknowledgement", "demand", "payment", "suit")

OUT_MONEY_FIELDS = (
    "outstanding_principal", "overdue_principal", "overdue_interest", "penalty_interest",
    "compound_interest", "fees", "total_due", "credit", "charged", "allowed", "excess",
    "claimable_total", "claimable_late_fee", "claimable_service_fee", "claimable_penalty",
    "claimable_compound", "claimable_interest", "claimable_principal", "next_due_amount",
    "last_payment_amount", "paid_total",
)  # fmt: skip
OUT_DATE_FIELDS = (
    "limitation_starts_on",
    "limitation_expires_on",
    "next_due_date",
    "last_payment_date",
)

_B = 8192  # digit base of the long multiplication in muldiv
_B20, _B31, _B42 = 2**20, 2**31, 2**42  # factor sizes whose products fit in 62 bits


@njit(cache=True, inline="always")
def muldiv_qr(a: int, b: int, c: int) -> tuple[int, int]:
    """floor(a x b / c) and the remainder, exactly, for 0 <= a, b and 0 < c < 2^49."""
    # The product fits in 62 bits when the factors' sizes say so: then divide it directly.
    # The kernel's factors are mostly an amount x days (below 2^42, 44 million yuan-days) and a
    # rate numerator (below 2^20). Comparisons only: testing ``a <= 2^62 // b`` would cost a
    # second integer division on every call.
    if (b < _B20 and a < _B42) or (a < _B31 and b < _B31) or (a < _B20 and b < _B42):
        ab = a * b
        q = ab // c
        return q, ab - q * c
    q0 = a // c
    r0 = a - q0 * c
    # r0 x b / c by Horner over the base-_B digits of b, most significant first.
    place = 1
    while place <= b // _B:
        place *= _B
    q = 0
    r = 0
    while place > 0:
        t = r * _B + r0 * ((b // place) % _B)
        qd = t // c
        r = t - qd * c
        q = q * _B + qd
        place //= _B
    return q0 * b + q, r


@njit(cache=True, inline="always")
def muldiv(a: int, b: int, c: int) -> int:
    """round_half_up(a x b / c) for non-negative a, b and positive c (see :func:`muldiv_qr`)."""
    q, r = muldiv_qr(a, b, c)
    result: int = q + 1 if 2 * r >= c else q
    return result


@njit(cache=True)
def days_from_civil(y: int, m: int, d: int) -> int:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


@njit(cache=True)
def civil_from_days(z: int) -> tuple[int, int, int]:
    z += 719468
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return y + (m <= 2), m, d


@njit(cache=True)
def _month_len(y: int, m: int) -> int:
    if m == 2:
        return 29 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else 28
    return 30 if m in (4, 6, 9, 11) else 31


@njit(cache=True, inline="always")
def _months_after(y: int, m: int, d: int, months: int) -> int:
    """The day ``months`` after y-m-d: same day of the month, or the month's last day."""
    t = y * 12 + (m - 1) + months
    ny, nm = t // 12, t % 12 + 1
    return days_from_civil(ny, nm, min(d, _month_len(ny, nm)))


@njit(cache=True, inline="always")
def _allocate(
    amount: int, first: int, ndue: int, order: npt.NDArray[np.int64], by_installment: bool,
    charged: npt.NDArray[np.int64], paid: npt.NDArray[np.int64],
) -> int:  # fmt: skip
    """Pay ``amount`` into installments ``first``..``ndue - 1``; return what is left over.

    (One exit and no early return: inlined, that lets Numba drop the reference counting of the
    array arguments.)
    """
    left = amount
    cells = 6 * (ndue - first)
    x = 0
    while left > 0 and x < cells:
        if by_installment:  # installment by installment, each in the components' order
            k, c = first + x // 6, order[x % 6]
        else:  # component by component, each over the installments in order
            k, c = first + x % (ndue - first), order[x // (ndue - first)]
        owed = charged[k, c] - paid[k, c]
        if owed > 0:
            pay = owed if owed < left else left
            paid[k, c] += pay
            left -= pay
        x += 1
    return left


@njit(cache=True, inline="always")
def _unpaid_scheduled(k: int, charged: npt.NDArray[np.int64], paid: npt.NDArray[np.int64]) -> int:
    return (
        charged[k, PRINCIPAL] - paid[k, PRINCIPAL]
        + charged[k, INTEREST] - paid[k, INTEREST]
        + charged[k, SERVICE_FEE] - paid[k, SERVICE_FEE]
    )  # fmt: skip


# error_model="numpy": no division-by-zero check on each integer division (every divisor here
# is a positive rate denominator, day basis or guarded count).
@njit(cache=True, error_model="numpy")
def _loans(
    lo: int,
    hi: int,
    as_of: int,
    principal: npt.NDArray[np.int64],
    disb: npt.NDArray[np.int64],
    term: npt.NDArray[np.int64],
    method: npt.NDArray[np.int64],
    rate_num: npt.NDArray[np.int64],
    rate_den: npt.NDArray[np.int64],
    pen_num: npt.NDArray[np.int64],
    pen_den: npt.NDArray[np.int64],
    basis: npt.NDArray[np.int64],
    compound: npt.NDArray[np.bool_],
    upfront: npt.NDArray[np.int64],
    service: npt.NDArray[np.int64],
    lf_num: npt.NDArray[np.int64],
    lf_den: npt.NDArray[np.int64],
    lf_min: npt.NDArray[np.int64],
    order: npt.NDArray[np.int64],
    by_installment: npt.NDArray[np.bool_],
    annuity: npt.NDArray[np.int64],
    sched_off: npt.NDArray[np.int64],
    sched_due: npt.NDArray[np.int64],
    sched_principal: npt.NDArray[np.int64],
    sched_interest: npt.NDArray[np.int64],
    sched_service: npt.NDArray[np.int64],
    pay_off: npt.NDArray[np.int64],
    pay_day: npt.NDArray[np.int64],
    pay_amount: npt.NDArray[np.int64],
    ev_off: npt.NDArray[np.int64],
    ev_day: npt.NDArray[np.int64],
    ev_cause: npt.NDArray[np.int64],
    cap_nseg: npt.NDArray[np.int64],
    cap_boundary: npt.NDArray[np.int64],
    cap_num: npt.NDArray[np.int64],
    cap_den: npt.NDArray[np.int64],
    cap_basis: int,
    lim_years: int,
    cal_first: int,
    working: npt.NDArray[np.bool_],
    out_money: npt.NDArray[np.int64],
    out_dates: npt.NDArray[np.int64],
    out_int: npt.NDArray[np.int64],
    maxn: int,
) -> None:
    """Loans lo..hi-1, one after another; ``maxn``: the most installments of any of them.

    One call per chunk of loans, and no array views inside: every array passed to a call or
    sliced is reference-counted, and the counts of the input arrays, shared by the threads, took
    about half of the kernel's time when each loan was a call.
    """
    # Scratch space reused across loans: the schedule, and per installment and component what
    # was charged and what was paid.
    due = np.empty(maxn, np.int64)
    sp = np.empty(maxn, np.int64)
    si = np.empty(maxn, np.int64)
    sf = np.empty(maxn, np.int64)
    charged = np.empty((maxn, 6), np.int64)
    paid = np.empty((maxn, 6), np.int64)
    owed = np.empty(6, np.int64)
    claim = np.empty(6, np.int64)
    ordr = np.empty(6, np.int64)  # the loan's allocation order
    money = np.empty(out_money.shape[0], np.int64)  # the loan's money fields
    for i in range(lo, hi):
        p = principal[i]
        d0 = disb[i]
        # ---- schedule (overdue.ledger.schedule.build_schedule) ----
        m = method[i]
        n = 1 if m == BULLET else term[i]
        if sched_off[i + 1] > sched_off[i]:
            n = sched_off[i + 1] - sched_off[i]
        for k in range(n):
            due[k] = 0
            sp[k] = 0
            si[k] = 0
            sf[k] = service[i]
            for c in range(6):
                charged[k, c] = 0
                paid[k, c] = 0
        if sched_off[i + 1] > sched_off[i]:  # installments given in the input
            s0 = sched_off[i]
            for k in range(n):
                due[k] = sched_due[s0 + k]
                sp[k] = sched_principal[s0 + k]
                si[k] = sched_interest[s0 + k]
                sf[k] = sched_service[s0 + k]
        else:
            rn, rd12 = rate_num[i], rate_den[i] * 12
            remaining = p
            y0, m0, dd0 = civil_from_days(d0)  # once: each due date is a month count from it
            if m == EQUAL_INSTALLMENT:
                for k in range(n):
                    interest = muldiv(remaining, rn, rd12)
                    if k == n - 1:
                        part = remaining
                    else:
                        part = annuity[i] - interest
                        if part > remaining:
                            part = remaining
                    due[k] = _months_after(y0, m0, dd0, k + 1)
                    sp[k] = part
                    si[k] = interest
                    remaining -= part
            elif m == EQUAL_PRINCIPAL:
                level = p // n  # rounded down
                for k in range(n):
                    si[k] = muldiv(remaining, rn, rd12)
                    sp[k] = remaining if k == n - 1 else level
                    due[k] = _months_after(y0, m0, dd0, k + 1)
                    remaining -= sp[k]
            elif m == INTEREST_ONLY:
                interest = muldiv(p, rn, rd12)
                for k in range(n):
                    si[k] = interest
                    sp[k] = p if k == n - 1 else 0
                    due[k] = _months_after(y0, m0, dd0, k + 1)
            else:
                due[0] = _months_after(y0, m0, dd0, term[i])
                sp[0] = p
                si[0] = muldiv(p * term[i], rn, rd12)

        # ---- the replay: every day on which something happens, in order ----
        # The days are the disbursement, the as-of date, each due date and the day after it, each
        # payment day and the day before a cap change: three sorted sequences and three single days,
        # merged on the fly.
        pa, pb = pay_off[i], pay_off[i + 1]
        npay = 0
        for j in range(pa, pb):
            if pay_day[j] <= as_of:
                npay += 1
        pe = pa + npay
        nseg = cap_nseg[i]
        boundary_eve = cap_boundary[i] - 1 if nseg == 2 else -(2**62)
        seg0 = 0
        seg1 = 0
        pnum, pden_b = pen_num[i], pen_den[i] * basis[i]
        by_inst = by_installment[i]
        for j in range(6):
            ordr[j] = order[i, j]
        has_late_fee = lf_num[i] > 0 or lf_min[i] > 0
        credit = 0
        repaid = 0
        # Installments 0..settled-1 have fallen due and are paid in full. Nothing is charged to
        # them again (interest accrues on unpaid amounts, the late fee needs one), so accrual and
        # allocation start at ``settled``; ``settled_principal`` is their principal.
        settled = 0
        settled_principal = 0
        prev = d0
        flushed = d0  # accruals are crystallised up to and including this day
        kd = 0  # next installment to fall due
        kl = 0  # next installment whose first overdue day is to come
        jp = pa  # next payment
        ndue = 0
        day = d0
        while True:
            days = day - prev
            outstanding = p - repaid
            # principal x days, by cap segment (with no cap, all in seg0: the annual cost rate
            # is still stated, as the ledger states it)
            if outstanding > 0 and days > 0:
                if nseg == 2 and day >= cap_boundary[i]:
                    seg1 += outstanding * days
                else:
                    seg0 += outstanding * days
            is_pay_day = jp < pe and pay_day[jp] == day
            # 1. accrue: an installment overdue since due+1 accrues on an unchanged base until the
            #    borrower pays; the span since the last crystallisation is charged in one rounding.
            if is_pay_day or day == as_of:
                for k in range(settled, ndue):
                    start = due[k] if due[k] > flushed else flushed
                    span = day - start
                    if span > 0:
                        base = charged[k, PRINCIPAL] - paid[k, PRINCIPAL]
                        if base > 0:
                            charged[k, PENALTY] += muldiv(base * span, pnum, pden_b)
                        if compound[i]:
                            base = charged[k, INTEREST] - paid[k, INTEREST]
                            if base > 0:
                                charged[k, COMPOUND] += muldiv(base * span, pnum, pden_b)
                flushed = day
            # 2. late fee, the day after the due date
            while kl < n and due[kl] < day - 1:
                kl += 1
            while kl < n and due[kl] == day - 1:
                if has_late_fee:
                    unpaid = _unpaid_scheduled(kl, charged, paid)
                    if unpaid > 0:
                        fee = muldiv(unpaid, lf_num[i], lf_den[i])
                        charged[kl, LATE_FEE] += fee if fee > lf_min[i] else lf_min[i]
                kl += 1
            # 3. installments falling due today; a credit pays them at once
            while kd < n and due[kd] <= day:
                if due[kd] == day:
                    charged[kd, PRINCIPAL] = sp[kd]
                    charged[kd, INTEREST] = si[kd]
                    charged[kd, SERVICE_FEE] = sf[kd]
                kd += 1
            ndue = kd
            allocated = False
            if credit > 0:
                credit = _allocate(credit, settled, ndue, ordr, by_inst, charged, paid)
                allocated = True
            # 4. payments made today
            while jp < pe and pay_day[jp] == day:
                credit += _allocate(pay_amount[jp], settled, ndue, ordr, by_inst, charged, paid)
                jp += 1
                allocated = True
            if allocated:
                # Installments now paid in full. (Written out, not as a call: an inlined
                # function that takes the arrays in a loop's condition kept an atomic
                # increment and decrement of both arrays' reference counts on every turn,
                # about a fifth of the kernel's time.)
                while settled < ndue:
                    paid_up = True
                    for c in range(6):
                        paid_up = paid_up and paid[settled, c] == charged[settled, c]
                    if not paid_up:
                        break
                    settled_principal += paid[settled, PRINCIPAL]
                    settled += 1
                repaid = settled_principal
                for k in range(settled, ndue):
                    repaid += paid[k, PRINCIPAL]
            # 5. repaid early (engine._settle_early): a credit left after today's payments
            #    has paid everything due; when it covers the principal not yet due with the
            #    interest and service fee of the days borrowed since the last due date, those
            #    installments fall due today with them.
            if is_pay_day and credit > 0 and ndue < n:
                rest = 0
                for k in range(ndue, n):
                    rest += sp[k]
                since = due[ndue - 1] if ndue > 0 else d0
                interest = muldiv(rest * (day - since), rate_num[i], rate_den[i] * basis[i])
                fee = muldiv(sf[ndue], day - since, due[ndue] - since)
                if rest > 0 and credit >= rest + interest + fee:
                    for k in range(ndue, n):
                        due[k] = day
                        si[k] = interest if k == ndue else 0
                        sf[k] = fee if k == ndue else 0
                        charged[k, PRINCIPAL] = sp[k]
                        charged[k, INTEREST] = si[k]
                        charged[k, SERVICE_FEE] = sf[k]
                        paid[k, PRINCIPAL] = sp[k]
                        paid[k, INTEREST] = si[k]
                        paid[k, SERVICE_FEE] = sf[k]
                    credit -= rest + interest + fee
                    settled = n
                    settled_principal += rest
                    repaid = settled_principal
                    kd = n
                    ndue = n
            prev = day
            if day >= as_of:
                break
            # the next day of interest
            nxt = as_of
            if kd < n and due[kd] < nxt:
                nxt = due[kd]
            # The day after a due date matters only for a late fee on an installment of that
            # date not yet paid in full (the first unsettled one, at or after kl); otherwise
            # nothing happens on it, and skipping it leaves every sum the same.
            u = settled if settled > kl else kl
            if kl < n and due[kl] + 1 < nxt and has_late_fee and u < n and due[u] == due[kl]:
                nxt = due[kl] + 1
            if jp < pe and pay_day[jp] < nxt:
                nxt = pay_day[jp]
            if day < boundary_eve < nxt:
                nxt = boundary_eve
            day = nxt

        # ---- the state as of the end of as_of (engine._state) ----
        for c in range(6):
            owed[c] = 0
        charged_cost = upfront[i]
        dpd = 0
        for k in range(n):
            if due[k] < as_of:
                for cc in range(6):
                    owed[cc] += charged[k, cc] - paid[k, cc]
                    if cc != PRINCIPAL:
                        charged_cost += charged[k, cc]
                if dpd == 0 and _unpaid_scheduled(k, charged, paid) > 0:
                    dpd = as_of - due[k]
            elif due[k] == as_of:  # what was paid of the costs due on the as-of date
                for cc in range(6):
                    if cc != PRINCIPAL:
                        charged_cost += paid[k, cc]
        total_due = 0
        for c in range(6):
            total_due += owed[c]
        units = seg0 + seg1
        annual_rate = 0
        if units > 0:
            annual_rate = muldiv(charged_cost * cap_basis, 1_000_000, units)
        allowed = -1
        excess = 0
        cap_rate_num, cap_rate_den = -1, 1
        if nseg > 0:
            # Sum of units x rate / basis over the segments, rounded once: the segments' rates
            # share one denominator, so exact quotients and remainders simply add up.
            q_total = 0
            r_total = 0
            common = cap_den[i] * cap_basis
            q, r = muldiv_qr(seg0, cap_num[i, 0], common)
            q_total += q
            r_total += r
            if nseg == 2:
                q, r = muldiv_qr(seg1, cap_num[i, 1], common)
                q_total += q
                r_total += r
            q_total += r_total // common
            r_total = r_total % common
            allowed = q_total + (1 if 2 * r_total >= common else 0)
            excess = charged_cost - allowed if charged_cost > allowed else 0
            s_now = 1 if nseg == 2 and as_of >= cap_boundary[i] else 0
            cap_rate_num, cap_rate_den = cap_num[i, s_now], cap_den[i]
        for c in range(6):
            claim[c] = owed[c]
        give_up = excess
        for j in range(6):
            cc = _REDUCTION[j]
            cut = claim[cc] if claim[cc] < give_up else give_up
            claim[cc] -= cut
            give_up -= cut

        # next installment
        next_day = -1
        next_amount = 0
        for k in range(n):
            if due[k] >= as_of:
                still = (
                    _unpaid_scheduled(k, charged, paid)
                    if due[k] <= as_of
                    else sp[k] + si[k] + sf[k]
                )
                if still > 0:
                    next_day = due[k]
                    waiting = credit if due[k] > as_of else 0
                    next_amount = still - waiting if still > waiting else 0
                    break

        # payments up to as_of
        last_day = -1
        last_amount = 0
        paid_total = 0
        for j in range(pa, pa + npay):
            paid_total += pay_amount[j]
        if npay > 0:
            last_day = pay_day[pa + npay - 1]
            for j in range(pa, pa + npay):
                if pay_day[j] == last_day:
                    last_amount += pay_amount[j]

        # limitation (engine._limitation)
        start = due[n - 1]
        cause = 0
        for j in range(pa, pa + npay):
            if pay_day[j] > start or (pay_day[j] == start and cause > 3):
                start, cause = pay_day[j], 3
        for j in range(ev_off[i], ev_off[i + 1]):
            dday = ev_day[j]
            if dday > as_of:
                continue
            if dday > start or (dday == start and cause > ev_cause[j]):
                start, cause = dday, ev_cause[j]
        y, mo, dd = civil_from_days(start)
        ny = y + lim_years
        nominal = days_from_civil(ny, mo, min(dd, _month_len(ny, mo)))
        expires = nominal
        covered = 0
        x = nominal - cal_first
        while 0 <= x < working.shape[0]:
            if working[x]:
                covered = 1
                expires = cal_first + x
                break
            x += 1

        paid_principal = 0
        for k in range(n):
            paid_principal += paid[k, PRINCIPAL]
        money[0] = p - paid_principal
        money[1] = owed[PRINCIPAL]
        money[2] = owed[INTEREST]
        money[3] = owed[PENALTY]
        money[4] = owed[COMPOUND]
        money[5] = owed[LATE_FEE] + owed[SERVICE_FEE]
        money[6] = total_due
        money[7] = credit
        money[8] = charged_cost
        money[9] = allowed
        money[10] = excess
        money[11] = 0
        for c in range(6):
            money[11] += claim[c]
        for cc in range(6):
            money[12 + cc] = claim[cc]
        money[18] = next_amount
        money[19] = last_amount
        money[20] = paid_total
        for k in range(money.shape[0]):  # as Arrow's decimal128 words (see run_kernel)
            out_money[k, 2 * i] = money[k]
            out_money[k, 2 * i + 1] = money[k] >> 63  # sign extension to 128 bits
        out_dates[i, 0] = start
        out_dates[i, 1] = expires
        out_dates[i, 2] = next_day
        out_dates[i, 3] = last_day
        out_int[i, 0] = dpd
        out_int[i, 1] = annual_rate
        out_int[i, 2] = covered
        out_int[i, 3] = cause
        out_int[i, 4] = nominal
        out_int[i, 5] = cap_rate_num
        out_int[i, 6] = cap_rate_den


@njit(cache=True)
def decimal_words(values):  # type: ignore[no-untyped-def]
    """int64 unscaled values as the little-endian 128-bit words of Arrow's decimal128."""
    n = values.shape[0]
    words = np.empty(2 * n, np.int64)
    for i in range(n):
        words[2 * i] = values[i]
        words[2 * i + 1] = values[i] >> 63  # sign extension
    return words


def group_by_loan(
    loan_idx: npt.NDArray[np.int32],
    days: npt.NDArray[np.int32],
    values: npt.NDArray[np.int64],
    n_loans: int,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int32], npt.NDArray[np.int64]]:
    """Child rows grouped by loan, each loan's rows by day: (offsets, days, values).

    ``values`` has one row per value column and one column per child row; the result holds
    the same arrays reordered, loan ``g``'s rows at ``offsets[g]:offsets[g + 1]``: the result
    of a stable sort by loan, then day (rows of one loan and day keep the table's order).
    Rows that already come so (extracts written loan by loan) are returned as they are, not
    copied; others are placed in one pass (:func:`_place_rows`). Both steps release the GIL.
    """
    offsets, in_order = _count_rows(loan_idx, days, n_loans)
    if in_order:
        return offsets, days, values
    out_days, out_values = _place_rows(loan_idx, days, values, offsets)
    return offsets, out_days, out_values


@njit(cache=True, nogil=True)
def _count_rows(loan_idx, days, n_loans):  # type: ignore[no-untyped-def]
    """Each loan's first row in the grouped order (n_loans + 1 offsets), and whether the rows
    are already grouped by loan and, within a loan, by day."""
    m = loan_idx.shape[0]
    off = np.zeros(n_loans + 1, np.int64)
    in_order = True
    for r in range(m):
        off[loan_idx[r] + 1] += 1
        if r > 0 and (
            loan_idx[r] < loan_idx[r - 1]
            or (loan_idx[r] == loan_idx[r - 1] and days[r] < days[r - 1])
        ):
            in_order = False
    for g in range(n_loans):
        off[g + 1] += off[g]
    return off, in_order


@njit(cache=True, nogil=True)
def _place_rows(loan_idx, days, values, off):  # type: ignore[no-untyped-def]
    """Rows placed in their loan's block (``off``, from :func:`_count_rows`) by insertion after
    the rows of their loan that are not later; linear for rows that arrive by day."""
    m = loan_idx.shape[0]
    k = values.shape[0]
    pos = off[:-1].copy()
    out_days = np.empty(m, days.dtype)
    out_values = np.empty((k, m), np.int64)
    for r in range(m):
        g = loan_idx[r]
        day = days[r]
        j = pos[g] - 1
        while j >= off[g] and out_days[j] > day:
            out_days[j + 1] = out_days[j]
            for c in range(k):
                out_values[c, j + 1] = out_values[c, j]
            j -= 1
        out_days[j + 1] = day
        for c in range(k):
            out_values[c, j + 1] = values[c, r]
        pos[g] += 1
    return out_days, out_values


@njit(cache=True, parallel=True)
def _run(  # type: ignore[no-untyped-def]
    as_of, principal, disb, term, method, rate_num, rate_den, pen_num, pen_den, basis, compound,
    upfront, service, lf_num, lf_den, lf_min, order, by_installment, annuity, sched_off, sched_due,
    sched_principal, sched_interest, sched_service, pay_off, pay_day, pay_amount, ev_off, ev_day,
    ev_cause, cap_nseg, cap_boundary, cap_num, cap_den, cap_basis, lim_years, cal_first, working,
    out_money, out_dates, out_int,
):  # fmt: skip
    n = principal.shape[0]
    maxn = 1
    for i in range(n):
        k = max(term[i], sched_off[i + 1] - sched_off[i])
        if k > maxn:
            maxn = k
    chunks = 64 if n >= 64 else max(n, 1)
    for c in prange(chunks):
        _loans(
            c * n // chunks, (c + 1) * n // chunks, as_of, principal, disb, term, method, rate_num,
            rate_den, pen_num, pen_den, basis, compound, upfront, service, lf_num, lf_den, lf_min,
            order, by_installment, annuity, sched_off, sched_due, sched_principal, sched_interest,
            sched_service, pay_off, pay_day, pay_amount, ev_off, ev_day, ev_cause, cap_nseg,
            cap_boundary, cap_num, cap_den, cap_basis, lim_years, cal_first, working, out_money,
            out_dates, out_int, maxn,
        )  # fmt: skip


def _read_only(value: object) -> object:
    """``value``, an array as a read-only view: Numba compiles (and caches) one version of the
    kernel per combination of argument types, and read-only is part of an array's type. Arrow's
    zero-copy arrays are read-only and NumPy's results are not; as views of one kind, every
    input's origin gives the one signature."""
    if isinstance(value, np.ndarray) and value.flags.writeable:
        value = value.view()
        value.flags.writeable = False
    return value


def run_kernel(inputs: dict[str, object]) -> dict[str, npt.NDArray[np.int64]]:
    """Run the kernel over prepared arrays (see :mod:`overdue.portfolio.prepare`).

    Returns ``money`` (21 x 2n: for each field of :data:`OUT_MONEY_FIELDS`, the loans' fen as
    the little-endian 128-bit words of Arrow's decimal128, so that a field becomes an Arrow
    column without a copy; ``money[k, 0::2]`` are the fen), ``dates`` (n x 4 days,
    :data:`OUT_DATE_FIELDS`, -1 for none) and ``ints`` (n x 7: dpd, annual rate x 10^6,
    calendar covered, limitation cause code, nominal expiry day, cap rate num, cap rate den).
    """
    n = len(inputs["principal"])  # type: ignore[arg-type]
    out_money = np.zeros((len(OUT_MONEY_FIELDS), 2 * n), np.int64)
    # Column-major, so that each output column is one contiguous array.
    out_dates = np.full((n, len(OUT_DATE_FIELDS)), -1, np.int64, order="F")
    out_int = np.zeros((n, 7), np.int64, order="F")
    names = (
        "as_of", "principal", "disb", "term", "method", "rate_num", "rate_den", "pen_num",
        "pen_den", "basis", "compound", "upfront", "service", "lf_num", "lf_den", "lf_min",
        "order", "by_installment", "annuity", "sched_off", "sched_due", "sched_principal",
        "sched_interest", "sched_service", "pay_off", "pay_day", "pay_amount", "ev_off", "ev_day",
        "ev_cause", "cap_nseg", "cap_boundary", "cap_num", "cap_den", "cap_basis", "lim_years",
        "cal_first", "working",
    )  # fmt: skip
    _run(*(_read_only(inputs[k]) for k in names), out_money, out_dates, out_int)
    return {"money": out_money, "dates": out_dates, "ints": out_int}

"""Generate Eggbasket's demo dataset: two years of income of a small design & development studio.

The story
    A three-person studio (design, front-end, a bit of consulting) invoices in EUR. Over the
    24 months from November 2024 to October 2026 it worked for 15 clients across Europe and beyond:

    * **Nordlicht GmbH**, a Hamburg SaaS company, started as one good retainer among several. It
      raised its retainer in July 2025 and then commissioned a customer-portal rebuild and a new
      design system. By the last record (late October 2026) it pays about 45 % of the trailing
      twelve months' revenue, and it is the top client over the whole two years too: the eggs have
      drifted into one basket, which is exactly what the dashboard is meant to show.
    * A few steady retainers pay every month (Blue Harbor Studio, Greenleaf Co-op until it ended
      its contract, Kowalski & Syn for e-shop maintenance after their build).
    * Project clients pay in milestones (a deposit of 30 %, the rest spread over the project):
      Kowalski & Syn, ООО Вектор, Studio Lumen, Fjord & Fell, Müller & Söhne, Papercut Press.
    * Consulting clients are billed by the hour when there was work that month (Acme Analytics,
      "Bright Loop, Inc.", Blue Harbor's subcontracted front-end work).
    * Four one-off clients paid a single invoice each.
    * One refund: a partial credit note to Kowalski & Syn after the payment module was dropped from
      their e-shop's scope (the only negative amount).

    Every amount is in EUR with cents; the date is the day the payment arrived (a weekday).

Format
    UTF-8 CSV (no BOM), comma-delimited, ``\\n`` line endings, quoted by the ``csv`` module where
    needed, header ``date,client,amount,currency,category,description``; ISO dates; amounts with a
    decimal point and no thousands separator (``2450.00``, ``-350.00``); rows sorted by date.

Regenerate
    ``python data/generate_demo.py`` rewrites ``data/demo_income.csv``;
    ``python data/generate_demo.py --out PATH`` writes elsewhere.
    :func:`generate_rows` returns the rows (tests call it). The output is deterministic: a fixed
    ``random.Random(SEED)`` drives all variation, nothing depends on today's date, and no set or
    hash ordering is involved. Standard library only.

    To change the story, edit :data:`ENGAGEMENTS` (one line per engagement; a client may have
    several) and :data:`REFUND`, then regenerate and run ``pytest tests/test_demo_data.py``, which
    checks the shape (24 months, ~15 clients, top client at 43-47 % of the trailing 12 months...).
    Random draws are taken in table order, so changing an amount moves nothing else, but adding,
    removing or reordering engagements reshuffles the days and hours of those after it.
"""

import argparse
import calendar
import csv
import random
import sys
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

SEED = 20241101
CURRENCY = "EUR"
FIRST_MONTH = "2024-11"
LAST_MONTH = "2026-10"
HEADER = ("date", "client", "amount", "currency", "category", "description")
DEFAULT_OUT = Path(__file__).resolve().parent / "demo_income.csv"

# Invoice numbers run per calendar year; the studio had already sent 90 invoices in 2024
# before the period starts, so the first one shown is 2024-091.
FIRST_INVOICE_NUMBER = {2024: 91}

RETAINER, MILESTONES, HOURLY, ONE_OFF = "retainer", "milestones", "hourly", "one-off"


@dataclass(frozen=True)
class Engagement:
    """One line of work for one client.

    ``size`` means, by pattern: retainer -> the monthly fee; milestones -> the project total
    (``parts`` payments: a 30 % deposit, the rest in equal parts, spread evenly from the first to
    the last active month); hourly -> the hourly rate (billed in a month with probability
    ``chance``, for ``hours`` = (min, max) hours); one-off -> the single payment (first month).
    ``months`` is the active range ``("YYYY-MM", "YYYY-MM")``, both ends included.
    """

    client: str
    category: str
    pattern: str
    size: str
    months: tuple[str, str]
    subject: str
    parts: int = 1
    pay_day: int = 0  # retainers: usual day of payment (paid 0-3 days later); 0 = any day
    chance: float = 1.0
    hours: tuple[int, int] = (0, 0)


# fmt: off
ENGAGEMENTS: tuple[Engagement, ...] = (
    # --- the anchor client: growing retainer plus two big projects ---------------------------
    Engagement("Nordlicht GmbH", "Retainer", RETAINER, "2400.00", ("2024-11", "2025-06"),
               "product design retainer", pay_day=27),
    Engagement("Nordlicht GmbH", "Retainer", RETAINER, "3000.00", ("2025-07", "2026-10"),
               "product design & front-end retainer", pay_day=27),
    Engagement("Nordlicht GmbH", "Web development", MILESTONES, "14800.00", ("2025-09", "2026-03"),
               "customer portal rebuild", parts=4),
    Engagement("Nordlicht GmbH", "Design", MILESTONES, "12400.00", ("2026-04", "2026-08"),
               "design system v2", parts=3),
    Engagement("Nordlicht GmbH", "Consulting", HOURLY, "120.00", ("2025-07", "2026-10"),
               "ad-hoc UX workshops", chance=0.6, hours=(4, 10)),
    # --- steady retainers ---------------------------------------------------------------------
    Engagement("Blue Harbor Studio", "Retainer", RETAINER, "1150.00", ("2024-11", "2026-10"),
               "website care & hosting retainer", pay_day=5),
    Engagement("Blue Harbor Studio", "Web development", HOURLY, "85.00", ("2024-11", "2026-10"),
               "subcontracted front-end work", chance=0.7, hours=(4, 16)),
    Engagement("Greenleaf Co-op", "Retainer", RETAINER, "850.00", ("2024-11", "2025-12"),
               "newsletter & social design retainer", pay_day=12),
    Engagement("Kowalski & Syn Sp. z o.o.", "Retainer", RETAINER, "800.00", ("2026-01", "2026-10"),
               "e-shop maintenance retainer", pay_day=15),
    # --- project clients paying in milestones -------------------------------------------------
    Engagement("Kowalski & Syn Sp. z o.o.", "Web development", MILESTONES, "12400.00",
               ("2025-05", "2025-11"), "e-shop build", parts=4),
    Engagement("ООО Вектор", "Web development", MILESTONES, "7800.00", ("2024-12", "2025-04"),
               "landing pages & CMS", parts=3),
    Engagement("ООО Вектор", "Web development", MILESTONES, "6350.00", ("2026-03", "2026-06"),
               "multilingual site", parts=3),
    Engagement("Studio Lumen SARL", "Design", MILESTONES, "5400.00", ("2025-01", "2025-03"),
               "brand identity", parts=3),
    Engagement("Studio Lumen SARL", "Design", MILESTONES, "4200.00", ("2026-05", "2026-07"),
               "packaging series", parts=3),
    Engagement("Fjord & Fell AS", "Web development", MILESTONES, "8600.00", ("2026-06", "2026-10"),
               "booking website", parts=4),
    Engagement("Müller & Söhne KG", "Web development", MILESTONES, "8900.00",
               ("2024-11", "2025-02"), "website redesign", parts=3),
    Engagement("Papercut Press Ltd", "Design", MILESTONES, "3600.00", ("2025-10", "2025-12"),
               "book cover series", parts=2),
    Engagement("Papercut Press Ltd", "Design", MILESTONES, "2900.00", ("2026-09", "2026-10"),
               "catalogue layout", parts=2),
    # --- consulting by the hour ---------------------------------------------------------------
    Engagement("Acme Analytics Ltd", "Consulting", HOURLY, "110.00", ("2025-03", "2026-10"),
               "UX research consulting", chance=0.8, hours=(3, 12)),
    Engagement("Bright Loop, Inc.", "Consulting", HOURLY, "125.00", ("2025-11", "2026-06"),
               "design sprint facilitation", chance=0.6, hours=(6, 14)),
    # --- one-off clients ----------------------------------------------------------------------
    Engagement("Tanaka Ceramics", "Design", ONE_OFF, "980.00", ("2025-03", "2025-03"),
               "logo refresh"),
    Engagement("Van der Berg Bakkerij B.V.", "Web development", ONE_OFF, "2350.00",
               ("2025-06", "2025-06"), "one-page website"),
    Engagement("Casa Oliva S.L.", "Design", ONE_OFF, "1480.00", ("2026-02", "2026-02"),
               "menu & label design"),
    Engagement("Hélène Dubois Photographie", "Web development", ONE_OFF, "2150.00",
               ("2026-08", "2026-08"), "portfolio website"),
)
# fmt: on

# The one refund: part of the e-shop build's last milestone, credited after the payment module
# was dropped from scope. Paid back in the month after that milestone.
REFUND = {
    "client": "Kowalski & Syn Sp. z o.o.",
    "category": "Web development",
    "amount": "-350.00",
    "month": "2025-12",
    "description": "Credit note CN-2025-01 — partial refund, e-shop build milestone 4 "
    "(payment module dropped from scope)",
}

CENT = Decimal("0.01")


# --- calendar helpers ----------------------------------------------------------------------------


def month_range(first: str, last: str) -> list[tuple[int, int]]:
    """All (year, month) pairs from ``first`` to ``last`` ("YYYY-MM"), both included."""
    y, m = (int(p) for p in first.split("-"))
    end = tuple(int(p) for p in last.split("-"))
    out = []
    while (y, m) <= end:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def payment_day(year: int, month: int, day: int) -> date:
    """``day`` of the month (clamped to its end), moved off a weekend: to Monday, or back to
    Friday when Monday would fall in the next month."""
    last = calendar.monthrange(year, month)[1]
    d = date(year, month, min(max(day, 1), last))
    if d.weekday() >= 5:
        monday = d + timedelta(days=7 - d.weekday())
        d = monday if monday.month == month else d - timedelta(days=d.weekday() - 4)
    return d


MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December")  # not calendar's: locale-dependent


def month_name(year: int, month: int) -> str:
    return f"{MONTH_NAMES[month - 1]} {year}"


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- generation ----------------------------------------------------------------------------------


def _payments(e: Engagement, rng: random.Random) -> list[tuple[date, Decimal, str]]:
    """(date, amount, description without invoice number) for one engagement."""
    months = month_range(*e.months)
    size = Decimal(e.size)
    out = []
    if e.pattern == RETAINER:
        for y, m in months:
            d = payment_day(y, m, e.pay_day + rng.randint(0, 3))
            out.append((d, size, f"{e.subject}, {month_name(y, m)}"))
    elif e.pattern == MILESTONES:
        deposit = money(size * Decimal("0.30"))
        rest = money((size - deposit) / (e.parts - 1))
        amounts = [deposit] + [rest] * (e.parts - 2)
        amounts.append(size - sum(amounts))  # the last part takes the rounding
        span = len(months) - 1
        for i, amount in enumerate(amounts):
            y, m = months[round(i * span / (e.parts - 1))]
            d = payment_day(y, m, rng.randint(3, 26))
            out.append((d, amount, f"{e.subject}, milestone {i + 1} of {e.parts}"))
    elif e.pattern == HOURLY:
        for y, m in months:
            if rng.random() >= e.chance:
                continue
            hours = Decimal(rng.randint(e.hours[0] * 4, e.hours[1] * 4)) / 4
            d = payment_day(y, m, rng.randint(3, 26))
            out.append((d, money(hours * size), f"{e.subject}, {hours.normalize():f} h × {size}"))
    elif e.pattern == ONE_OFF:
        y, m = months[0]
        out.append((payment_day(y, m, rng.randint(3, 26)), size, e.subject))
    else:
        raise ValueError(f"unknown pattern {e.pattern!r} for {e.client}")
    return out


def generate_rows() -> list[dict[str, str]]:
    """The demo dataset: one dict per payment with the keys of :data:`HEADER`, sorted by date."""
    rng = random.Random(SEED)
    raw = []  # (date, client, amount, category, description-without-number)
    for e in ENGAGEMENTS:
        for d, amount, text in _payments(e, rng):
            raw.append((d, e.client, amount, e.category, text))
    raw.sort(key=lambda r: (r[0], r[1], r[4]))

    y, m = (int(p) for p in REFUND["month"].split("-"))
    refund_date = payment_day(y, m, rng.randint(3, 26))

    rows = []
    counters = dict(FIRST_INVOICE_NUMBER)
    for d, client, amount, category, text in raw:
        n = counters.setdefault(d.year, 1)
        counters[d.year] = n + 1
        rows.append(_row(d, client, amount, category, f"Invoice {d.year}-{n:03d} — {text}"))
    rows.append(
        _row(refund_date, REFUND["client"], Decimal(REFUND["amount"]), REFUND["category"],
             REFUND["description"])
    )
    rows.sort(key=lambda r: r["date"])  # stable: the refund goes after that day's invoices
    return rows


def _row(d: date, client: str, amount: Decimal, category: str, description: str) -> dict[str, str]:
    return {
        "date": d.isoformat(),
        "client": client,
        "amount": f"{amount:.2f}",
        "currency": CURRENCY,
        "category": category,
        "description": description,
    }


def write_csv(rows: list[dict[str, str]], path: str | Path) -> None:
    """Write ``rows`` as UTF-8 CSV (no BOM, ``\\n`` line endings, minimal quoting)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=HEADER, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", default=str(DEFAULT_OUT), help="CSV file to write (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    rows = generate_rows()
    write_csv(rows, args.out)
    print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

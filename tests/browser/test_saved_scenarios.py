"""A user saves two loss scenarios on the demo data and compares them side by side: A, the top
client leaves; B, the top two clients halve their spend. The comparison table's numbers are the
CLI's ``simulate`` JSON for the same scenarios, and the lost shares are the clients' shares of revenue."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from analytics.formatting import money, months, number, percent
from tests.browser.helpers import DEMO, cli_json, enter, metric, open_page, rerun

FINANCES = ("--expenses", "9000", "--reserve", "20000")


def compare_column(outcome: dict, lost: str) -> list[str]:
    """One scenario's column of the comparison table, from the CLI's simulate JSON."""
    return [
        lost,
        f"−{money(outcome['lost_monthly'], 'EUR')} ({percent(outcome['lost_share'])})",
        money(outcome["scenario_monthly"], "EUR"),
        months(outcome["runway_months"]),
        number(outcome["clients_to_replace"]),
        percent(outcome["after"]["top_shares"]["1"]),
    ]


def save_scenario(page, name: str, outcome: dict) -> None:
    # The card shows this scenario's loss first: the page has run with every input above.
    expect(metric(page, "Income drop per month")).to_have_text(money(-outcome["lost_monthly"], "EUR"))
    enter(page, "Scenario name", name)
    with rerun(page):
        page.get_by_role("button", name="Save this scenario").click()
    expect(page.get_by_text(f"Saved “{name}”")).to_have_count(1)


def test_save_two_scenarios_and_compare_them(app_server, page):
    shares = [(c["client"], c["share"]) for c in cli_json("report", DEMO)["clients_table"][:2]]
    (first, first_share), (second, second_share) = shares
    assert (first, second) == ("Nordlicht GmbH", "Blue Harbor Studio")
    a = cli_json("simulate", DEMO, "--top", "1", *FINANCES)
    b = cli_json("simulate", DEMO, "--top", "2", "--cut", "50", *FINANCES)
    # A second way: losing a client (or half of it) loses its share (or half) of the run-rate.
    assert a["lost_share"] == pytest.approx(first_share)
    assert b["lost_share"] == pytest.approx((first_share + second_share) / 2)
    assert a["runway_months"] == pytest.approx(20000 / (9000 - a["scenario_monthly"]), abs=0.01)
    assert b["runway_months"] == pytest.approx(20000 / (9000 - b["scenario_monthly"]), abs=0.01)

    open_page(page, app_server, "scenarios", f"Losing {first}")
    enter(page, "Monthly expenses (EUR)", "9000")
    enter(page, "Cash reserve (EUR)", "20000")
    # A: the top client leaves (the picker starts with it).
    expect(page.locator(".st-key-scenario_clients")).to_contain_text(first)
    expect(metric(page, "Runway")).to_have_text(months(a["runway_months"]))
    save_scenario(page, "A: Nordlicht leaves", a)

    # B: the two largest clients cut their spend by half.
    with rerun(page):
        page.get_by_text("Top clients", exact=True).click()
    enter(page, "How many of your largest clients", "2")
    cut = page.locator(".st-key-scenario_cut input[type=range]")
    with rerun(page):
        for _ in range(10):  # 100% → 50% in steps of 5
            cut.press("ArrowLeft")
    expect(cut).to_have_value("50")
    expect(metric(page, "Runway")).to_have_text(months(b["runway_months"]))
    save_scenario(page, "B: top two halve their spend", b)

    # The table is drawn on a canvas; its accessible cells are in the DOM but hidden.
    table = page.locator("[data-testid=stDataFrame]").filter(
        has=page.locator("[role=gridcell]", has_text="Income drop / month"))
    expect(table.locator("[role=columnheader]")).to_have_text(["", "A: Nordlicht leaves", "B: top two halve their spend"])
    labels = ["Clients lost", "Income drop / month", "Income after / month", "Runway", "Clients to replace",
              "Top client share after"]
    columns = [compare_column(a, first), compare_column(b, f"{first} (50%), {second} (50%)")]
    expect(table.locator("[role=gridcell]")).to_have_text(
        [cell for row in zip(labels, *columns) for cell in row])

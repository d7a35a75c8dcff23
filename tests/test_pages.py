"""Page tests with Streamlit's AppTest: every page renders on the demo data and on an empty
database, and a CSV uploaded through the uploader is imported and measured."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from analytics.store import Store

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "data" / "demo_income.csv"


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "pages.duckdb"
    monkeypatch.setenv("EGGBASKET_DB", str(path))
    return path


def run_app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _demo_top_share() -> tuple[str, float]:
    """Top client's share over the trailing 12 months, read from the demo CSV with plain Python."""
    rows = list(csv.DictReader(DEMO.open(encoding="utf-8")))
    last = max(date.fromisoformat(r["date"]) for r in rows)
    start = date(last.year - 1, last.month, last.day) + timedelta(days=1)
    totals: dict[str, float] = defaultdict(float)
    for r in rows:
        if start <= date.fromisoformat(r["date"]) <= last:
            totals[r["client"]] += float(r["amount"])
    positive = {c: v for c, v in totals.items() if v > 0}
    top = max(positive, key=positive.get)
    return top, positive[top] / sum(positive.values())


def _metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_first_launch_imports_demo_and_shows_its_concentration(db_path):
    at = run_app()
    top, share = _demo_top_share()
    assert _metric(at, "Top client share") == f"{share * 100:.1f}%"
    assert at.sidebar.selectbox[0].value is not None
    assert "Risk: HIGH" in at.warning[0].value  # 25% <= top share < 50%
    assert top in at.warning[0].value


def test_every_page_renders_on_the_demo(db_path):
    for page in ("pages/overview.py", "pages/upload.py"):
        run_app(page)


def test_all_time_window_changes_the_figures(db_path):
    at = run_app()
    trailing = _metric(at, "Top client share")
    at.segmented_control(key="overview_window").set_value("All time").run()
    assert not at.exception
    assert _metric(at, "Top client share") != trailing


def test_empty_database_shows_what_to_do_next(db_path):
    with Store(db_path) as store:
        store.set_setting("demo_offered", "1")  # a user who has deleted the demo
    at = run_app()
    assert "Upload an income CSV" in at.info[0].value
    run_app("pages/upload.py")


def test_uploading_a_csv_imports_it_and_makes_it_active(db_path):
    at = run_app("pages/upload.py")
    # Hand-worked: Acme 300 + 100 = 400, Beta 100 → top client share 400 / 500 = 80.0%.
    content = b"date,client,amount\n2026-01-05,Acme,300.00\n2026-01-20,Beta,100.00\n2026-02-05,acme ,100.00\n"
    at.file_uploader[0].set_value(("jan.csv", content, "text/csv")).run()
    assert not at.exception
    at.button[0].click().run()
    assert not at.exception
    assert "Imported **3** of 3 rows" in at.success[0].value
    at.switch_page("pages/overview.py").run()
    assert _metric(at, "Top client share") == "80.0%"


def test_a_client_column_that_cannot_be_guessed_is_chosen_by_hand(db_path):
    at = run_app("pages/upload.py")
    # The payer is in "Description", which is taken as the description: no client column is found.
    content = b"Date,Description,Amount\n2026-01-05,Nordwind AG,1200.00\n2026-01-19,Kite & Co,300.00\n"
    at.file_uploader[0].set_value(("statement.csv", content, "text/csv")).run()
    assert not at.exception
    assert "Could not find a column for client" in at.warning[0].value
    assert at.selectbox(key="map_client").value == "(choose a column)"
    assert at.button(key="import_button").disabled
    at.selectbox(key="map_description").set_value("(none)").run()
    at.selectbox(key="map_client").set_value("Description").run()
    assert not at.exception
    assert not at.button(key="import_button").disabled
    at.button(key="import_button").click().run()
    assert "Imported **2** of 2 rows" in at.success[0].value
    at.switch_page("pages/overview.py").run()
    assert _metric(at, "Top client share") == "80.0%"  # by hand: 1,200 of 1,500


def test_a_bad_file_gets_a_clear_message_not_a_traceback(db_path):
    at = run_app("pages/upload.py")
    at.file_uploader[0].set_value(("book.xlsx", b"PK\x03\x04binary", "application/octet-stream")).run()
    assert not at.exception
    assert "Excel workbook" in at.error[0].value


def test_scenario_page_renders_the_loss_of_the_top_client(db_path):
    at = run_app("pages/scenarios.py")
    metrics = {m.label: m.value for m in at.metric}
    # Without expenses there is no runway to show, and the summary says what the loss costs.
    assert metrics["Runway"] == "—"
    assert "Losing Nordlicht GmbH" in at.markdown[0].value
    at.number_input(key=next(k for k in at.session_state if str(k).startswith("expenses_"))).set_value(9000.0).run()
    at.number_input(key=next(k for k in at.session_state if str(k).startswith("reserve_"))).set_value(20000.0).run()
    assert not at.exception
    runway = {m.label: m.value for m in at.metric}["Runway"]
    assert runway.endswith("months") and runway != "unlimited"
    assert "your reserve lasts" in at.markdown[0].value


def test_saved_scenarios_are_compared_side_by_side(db_path):
    at = run_app("pages/scenarios.py")
    for name, cut in (("Nordlicht leaves", 100), ("Nordlicht halves", 50)):
        at.slider(key="scenario_cut").set_value(cut).run()
        at.text_input(key="scenario_name").set_value(name).run()
        next(b for b in at.button if b.label == "Save this scenario").click().run()
        assert not at.exception
    table = at.dataframe[-1].value
    assert list(table.columns) == ["", "Nordlicht leaves", "Nordlicht halves"]
    drop = dict(zip(table[""], table["Nordlicht leaves"]))["Income drop / month"]
    half = dict(zip(table[""], table["Nordlicht halves"]))["Income drop / month"]
    assert drop != half


def _import_csv(db_path: Path, text: str, name: str) -> None:
    from analytics.ingest import import_file

    csv_path = db_path.parent / f"{name}.csv"
    csv_path.write_text(text, encoding="utf-8")
    with Store(db_path) as store:
        store.set_setting("demo_offered", "1")
        import_file(store, csv_path, name=name)


def test_diversification_page_renders_every_chart_on_the_demo(db_path):
    at = run_app("pages/diversification.py")
    # treemap, stacked area, concentration trend, new-vs-returning, cohort heatmap, target bar
    charts = at.get("plotly_chart")
    assert len(charts) == 6
    at.toggle(key="diversification_percent").set_value(True).run()
    assert not at.exception
    at.segmented_control(key="diversification_split").set_value("Client tenure").run()
    assert not at.exception
    at.radio(key="target_kind").set_value("Effective clients at least").run()
    assert not at.exception


def test_diversification_page_on_a_one_client_dataset(db_path):
    _import_csv(db_path, "date,client,amount\n2026-01-05,Solo Ltd,1000\n2026-02-05,Solo Ltd,1000\n", "solo")
    at = run_app("pages/diversification.py")
    assert len(at.get("plotly_chart")) == 6
    # One client paying 2,000 over the 2 months covered = 1,000 a month. At most 25% means a total
    # of 4,000 a month: 3,000 more from others (shown through Markdown, so the dots are escaped).
    assert "3,000\\.00 more per month" in at.info[-1].value


def test_datasets_page_renames_and_deletes(db_path):
    at = run_app("pages/datasets.py")
    assert at.dataframe[0].value["Name"].tolist() == ["Demo: a small design studio"]
    dataset_id = at.selectbox(key="datasets_choice").value
    at.text_input(key=f"rename_{dataset_id}").set_value("Studio books").run()
    at.button(key=f"rename_save_{dataset_id}").click().run()
    assert at.dataframe[0].value["Name"].tolist() == ["Studio books"]
    at.checkbox(key=f"delete_confirm_{dataset_id}").check().run()
    at.button(key=f"delete_{dataset_id}").click().run()
    assert not at.exception
    assert "No dataset yet" in at.info[0].value


def test_a_newer_export_adds_only_its_new_rows(db_path):
    _import_csv(db_path, "date,client,amount\n2026-01-05,Acme,300.00\n2026-01-20,Beta,100.00\n", "jan")
    with Store(db_path) as store:
        jan_id = next(d.id for d in store.datasets() if d.name == "jan")
    # The datasets page links to the upload page with this dataset chosen as the target.
    at = run_app("pages/datasets.py")
    at.selectbox(key="datasets_choice").set_value(jan_id).run()
    assert not at.exception
    at = run_app("pages/upload.py")
    at.query_params["into"] = str(jan_id)
    at.run()
    newer = b"date,client,amount\n2026-01-05,Acme,300.00\n2026-01-20,Beta,100.00\n2026-02-05,Acme,100.00\n"
    at.file_uploader[0].set_value(("feb.csv", newer, "text/csv")).run()
    assert at.selectbox(key="import_target").value == jan_id
    at.button(key="import_button").click().run()
    assert not at.exception
    assert "Added **1** new rows to **jan**" in at.success[0].value
    assert "2 of the file's rows were already there" in at.success[0].value
    # Hand-worked: Acme 300 + 100 = 400 of 500 → 80.0% (it was 75.0% before the newer export).
    at.switch_page("pages/overview.py").run()
    assert _metric(at, "Top client share") == "80.0%"
    at = run_app("pages/datasets.py")
    at.selectbox(key="datasets_choice").set_value(jan_id).run()
    assert "Newer exports added (1)" in [e.label for e in at.expander]


def test_private_memory_mode_keeps_sessions_apart(monkeypatch):
    """Deployment mode: EGGBASKET_DB=:memory: gives every browser session its own database."""
    monkeypatch.setenv("EGGBASKET_DB", ":memory:")
    first, second = run_app("pages/upload.py"), run_app("pages/upload.py")
    content = b"date,client,amount\n2026-01-05,Session A Secret Client,300.00\n"
    first.file_uploader[0].set_value(("a.csv", content, "text/csv")).run()
    first.button[0].click().run()
    assert "Imported **1** of 1 rows" in first.success[0].value
    first.switch_page("pages/overview.py").run()
    assert first.metric[0].value == "100.0%"  # session A sees its upload

    second.switch_page("pages/datasets.py").run()
    names = second.dataframe[0].value["Name"].tolist()
    assert names == ["Demo: a small design studio"]  # session B: only its own demo, not A's file
    second.switch_page("pages/overview.py").run()
    assert "Session A Secret Client" not in str([m.value for m in second.markdown])


def test_clients_page_merges_a_suggested_duplicate_and_groups_clients(db_path):
    # By hand: "Acme GmbH" 600 and "ACME GmbH." 200 are one client (case and punctuation) → 800 of
    # 1,000 after the merge = 80.0%; before, the largest single spelling was 600 = 60.0%.
    _import_csv(db_path, "date,client,amount\n2026-01-05,Acme GmbH,600\n2026-01-20,ACME GmbH.,200\n"
                         "2026-02-05,Beta Ltd,120\n2026-02-20,Gamma AG,80\n", "dupes")
    at = run_app()
    assert _metric(at, "Top client share") == "60.0%"
    at.switch_page("pages/clients.py").run()
    assert not at.exception
    at.button(key="merge_0").click().run()
    at.switch_page("pages/overview.py").run()
    assert _metric(at, "Top client share") == "80.0%"

    # Beta 120 + Gamma 80 under one parent: by group, the shares are 800 and 200.
    at.switch_page("pages/clients.py").run()
    at.multiselect[0].set_value(["Beta Ltd", "Gamma AG"])  # a form: set, then submit in one run
    at.text_input[0].set_value("Beta Holding")
    next(b for b in at.button if b.label == "Create or extend group").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.switch_page("pages/overview.py").run()
    assert [t.key for t in at.toggle] == ["view_by_group"], [e.value for e in at.error]
    at.toggle(key="view_by_group").set_value(True).run()
    assert _metric(at, "Top 3 clients") == "100.0%"
    assert "Beta Holding" in [r for r in at.dataframe[0].value["Client"]]


def test_uploading_a_polish_bank_statement_with_credit_and_debit_columns(db_path):
    at = run_app("pages/upload.py")
    # By hand: only money in is income: Kowalski 1 000,00 + 500,00 = 1 500,00; Nowak 500,00;
    # the 200,00 debit is an outgoing payment (listed, not imported). Top client 1 500 / 2 000 = 75.0%.
    text = ("Data operacji;Kontrahent;Uznania;Obciążenia\n"
            "05.03.2026;Jan Kowalski;1 000,00;\n"
            "06.03.2026;Sklep ABC;;200,00\n"
            "12.03.2026;Anna Nowak;500,00;\n"
            "20.03.2026;Jan Kowalski;500,00;\n")
    at.file_uploader[0].set_value(("wyciag.csv", text.encode("cp1250"), "text/csv")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    next(b for b in at.button if b.label == "Import").click().run()
    assert "Imported **3** of 4 rows" in at.success[0].value
    at.switch_page("pages/overview.py").run()
    assert _metric(at, "Top client share") == "75.0%"


def test_a_paypal_export_is_recognised_and_its_withdrawal_is_not_income(db_path):
    at = run_app("pages/upload.py")
    # By hand: gross 100.00 + 50.00 = 150.00 from two payers; the withdrawal is not income.
    text = ('"Date","Time","TimeZone","Name","Type","Status","Currency","Gross","Fee","Net","From Email Address",'
            '"To Email Address","Transaction ID","Balance"\n'
            '"03/01/2026","10:00:00","PST","Alpha Co","Express Checkout Payment","Completed","USD","100.00",'
            '"-3.20","96.80","a@x.com","me@x.com","1A","96.80"\n'
            '"03/02/2026","10:00:00","PST","Beta Co","Express Checkout Payment","Completed","USD","50.00",'
            '"-1.75","48.25","b@x.com","me@x.com","2B","145.05"\n'
            '"03/03/2026","10:00:00","PST","","General Withdrawal","Completed","USD","-145.05","0.00",'
            '"-145.05","","","3C","0.00"\n')
    at.file_uploader[0].set_value(("paypal.csv", text.encode(), "text/csv")).run()
    assert at.selectbox[0].value == "paypal"
    next(b for b in at.button if b.label == "Import").click().run()
    assert "Imported **2** of 3 rows" in at.success[0].value


def test_upload_converts_a_second_currency_with_the_users_rate(db_path):
    at = run_app("pages/upload.py")
    # By hand, base USD: Acme 100.00 USD; Hryvnia Ltd 1,000.00 UAH × 0.025 (the user's rate) = 25.00 USD.
    # Top client share 100 / 125 = 80.0%.
    text = "date,client,amount,currency\n2024-03-04,Acme,100.00,USD\n2024-03-05,Hryvnia Ltd,1000.00,UAH\n"
    at.file_uploader(key="upload_widget").set_value(("two.csv", text.encode(), "text/csv")).run()
    at.file_uploader(key="rates_upload").set_value(("rates.csv", b"currency,rate\nUAH,0.025\n", "text/csv")).run()
    next(t for t in at.text_input if t.label == "Show everything in").set_value("usd").run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    next(b for b in at.button if b.label == "Import").click().run()
    assert "Imported **2** of 2 rows" in at.success[0].value
    at.switch_page("pages/overview.py").run()
    assert _metric(at, "Top client share") == "80.0%"

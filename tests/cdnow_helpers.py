"""The CDNOW reference data (tests/data/CDNOW_sample.txt, see CDNOW_PROVENANCE.md) for the BG/NBD,
retention and revenue-risk tests: its file, its published values, and SQL that reads it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from analytics.bgnbd import BgNbdParams
from analytics.store import Store

CDNOW = Path(__file__).resolve().parent / "data" / "CDNOW_sample.txt"
CALIBRATION_END = date(1997, 9, 30)  # calibration 1997-01-01 … 1997-09-30, 39 weeks
PUBLISHED = BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426)  # Fader, Hardie & Lee (2005)
PUBLISHED_LOG_LIKELIHOOD = -9582.4

# One row per record: whitespace-separated, no header, CRLF; columns: id in the full data set, id in
# the sample, date YYYYMMDD, CDs, dollars. Bind the file path as the one parameter.
PURCHASES_SQL = """
SELECT CAST(f[2] AS INTEGER) AS customer, CAST(strptime(f[3], '%Y%m%d') AS DATE) AS day,
       CAST(f[4] AS INTEGER) AS cds, CAST(f[5] AS DECIMAL(10, 2)) AS dollars
FROM (SELECT regexp_split_to_array(trim(line), '\\s+') AS f
      FROM read_csv(?, columns = {'line': 'VARCHAR'}, delim = '\\t', header = false, quote = ''))
"""


def insert_cdnow(store: Store) -> int:
    """The CDNOW records as a dataset: client = sample id, one income row per record; return its id.

    The amount is the number of CDs (≥ 1), not the dollars: eight records have a $0 value, which
    Eggbasket would not count as payments, while the published fit counts every purchase. The
    BG/NBD model uses only the dates.
    """
    with store.transaction() as cur:
        (dataset_id,) = cur.execute(
            "INSERT INTO datasets (name, content_hash, rows_read, rows_imported, rows_rejected, base_currency) "
            "VALUES ('CDNOW', 'cdnow-sample', 6919, 6919, 0, 'USD') RETURNING id").fetchone()
        cur.execute(
            f"INSERT INTO income (dataset_id, date, client, amount, currency, source_line) "
            f"SELECT ?, day, lpad(CAST(customer AS VARCHAR), 4, '0'), cds, 'USD', row_number() OVER () "
            f"FROM ({PURCHASES_SQL})", [dataset_id, str(CDNOW)])
        store.refresh_period(dataset_id, cur)
    return dataset_id

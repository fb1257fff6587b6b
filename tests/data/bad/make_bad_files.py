"""Regenerate the nasty-input corpus (deterministic). Each file's expected outcome is in
expected.yaml beside it. Run: python tests/data/bad/make_bad_files.py"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

HERE = Path(__file__).parent
H = "shipment_id,hs_code,destination_country,description,origin_country,exporter_name,value,date"


def w(name: str, data: bytes) -> None:
    (HERE / name).write_bytes(data)


def main() -> None:
    ok = "1,9403.60,DE,Tables,PL,Polmex,1000,2026-03-01\r\n2,3104 20 50,PL,Potash,BY,JSC Belaruskali,5000,2026-03-01\r\n"
    w("utf8_bom.csv", ("\ufeff" + H + "\r\n" + ok).encode("utf-8"))
    w("utf16_tab.csv", (H.replace(",", "\t") + "\r\n" + ok.replace(",", "\t")).encode("utf-16"))
    w("cp1251_semicolon.csv", ("shipment_id;hs_code;destination_country;exporter_name;exporter_country\r\n"
                               "А-1;3104 20 50;Литва;ОАО «Беларуськалий»;Беларусь\r\n"
                               "А-2;9403.60;Германия;ООО «Ромашка»;Россия\r\n").encode("cp1251"))
    w("cp1252_pipe.csv", ("shipment_id|hs_code|destination_country|exporter_name\n"
                          "1|6109.10|FR|Société Générale Textiles SàRL\n2|6109.10|DE|Müller & Söhne GmbH\n").encode("cp1252"))
    w("quoted_newlines.csv", (H + '\n1,9403.60,DE,"Tables,\nchairs and ""stools""",PL,Polmex,10,2026-03-01\n'
                              '2,9403.60,DE,"multi\r\nline",PL,"Name, with comma",10,2026-03-01\n').encode())
    w("ragged.csv", (H + "\n1,9403.60,DE\n2,9403.60,DE,Tables,PL,Polmex,10,2026-03-01,EXTRA,MORE\n"
                     "3,9403.60,DE,Tables,PL,Polmex,10,2026-03-01\n").encode())
    w("duplicate_headers.csv", (b"Shipment_ID,HS Code,hs_code,DESTINATION COUNTRY,Note,Note\n"
                                b"1,9403.60,8542.31,DE,a,b\n2,3104 20 50,,PL,c,d\n"))
    w("empty.csv", b"")
    w("whitespace_only.csv", b"  \r\n\r\n  \n")
    w("header_only.csv", (H + "\n").encode())
    rng = random.Random(1)
    w("binary.csv", bytes(rng.randrange(256) for _ in range(4000)) + b"\x00" * 500)
    w("nul_bytes.csv", (H + "\n1,9403.60,DE,Ta\x00bles,PL,Pol\x00mex,10,2026-03-01\n").encode())
    w("missing_required.csv", b"shipment_id,hs_code,description\n1,9403.60,Tables\n")
    w("bad_values.csv", (H + "\n"
                         "1,84,DE,x,PL,A,10,2026-03-01\n"
                         "2,ABCD,DE,x,PL,A,10,2026-03-01\n"
                         "3,9403.60,Belarusia,x,PL,A,10,2026-03-01\n"
                         "4,9403.60,DE,x,PL,A,10,2026-13-45\n"
                         "5,9403.60,DE,x,PL,A,-5,2026-03-01\n"
                         "6,9403.60,DE,x,PL,A,abc,2026-03-01\n"
                         "7,9403.60,,x,PL,A,10,2026-03-01\n"
                         ",9403.60,DE,x,PL,A,10,2026-03-01\n"
                         "9,9403.60,DE,x,PL,A,10,2026-03-01\n"
                         "9,9403.60,DE,x,Atlantis,A,10,2026-03-01\n").encode())
    w("formula.csv", (H + '\n1,9403.60,DE,"=HYPERLINK(""http://x"",""click"")",PL,+Polmex,10,2026-03-01\n'
                      "2,9403.60,DE,@SUM(A1),PL,-Minus,10,2026-03-01\n").encode())
    w("broken_quotes.csv", (H + '\n1,9403.60,DE,"unclosed,PL,A,10,2026-03-01\n2,9403.60,DE,x,PL,A,10,2026-03-01\n').encode())
    w("mixed.jsonl", b'{"shipment_id": "1", "hs_code": "9403.60", "destination_country": "DE"}\n'
                     b'{not json}\n'
                     b'[1, 2]\n'
                     b'{"shipment_id": "4", "hs_code": ["84"], "destination_country": {"x": 1}}\n'
                     b'\n'
                     b'{"shipment_id": "5", "hs_code": 940360, "destination_country": "DE", "value": 1e400}\n')
    w("not_array.json", b'{"shipment_id": "1"}')
    w("truncated.json", b'[{"shipment_id": "1", "hs_code": "9403.60", "destination_country": "DE"}, {"shipm')
    w("mixed_line_endings.csv", (H + "\r\n1,9403.60,DE,a,PL,A,1,2026-03-01\n2,9403.60,DE,b,PL,A,1,2026-03-01\r"
                                 "3,9403.60,DE,c,PL,A,1,2026-03-01\r\n").encode())

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Shipment ID", "HS Code", "Destination Country", "Description", "Date", "Value"])
    ws.append(["X-1", 40690, "Germany", "Cheese", dt.datetime(2026, 3, 1), 1200.0])
    ws.append(["X-2", "3104 20 50", "PL", "=1+1", dt.datetime(2026, 3, 2), 5])
    ws.append([None, None, None, None, None, None])
    ws.append(["X-3", 85423190, "BY", "Chips", dt.date(2026, 3, 3), 10])
    wb.save(HERE / "good.xlsx")
    w("fake.xlsx", b"PK\x03\x04 this is not really a zip file")

    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"shipment_id": ["P-1", "P-2"], "hs_code": ["3104 20 50", "9403.60"],
                             "destination_country": ["PL", "DE"], "origin_country": ["BY", None]}),
                   HERE / "good.parquet")


if __name__ == "__main__":
    main()

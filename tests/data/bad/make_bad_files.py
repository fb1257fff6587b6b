"""Regenerate the nasty-input corpus (deterministic). Each file's expected outcome is in
expected.yaml beside it. Run: python tests/data/bad/make_bad_files.py"""

from __future__ import annotations

import codecs
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

    # Encodings that must not be mistaken for each other.
    eng = "".join(f"{i},9403.60,DE,Wooden tables and chairs,Polmex Sp. z o.o.\r\n" for i in range(2, 30))
    w("cp1251_few_cyrillic.csv", ("shipment_id,hs_code,destination_country,description,exporter_name\r\n"
                                  "1,3104 20 50,PL,Potash,JSC Belaruskali (ОАО Беларуськалий)\r\n" + eng).encode("cp1251"))
    w("cp1252_umlauts_euro.csv", ("shipment_id;hs_code;destination_country;description;exporter_name;value\r\n"
                                  "1;9403.60;DE;Bürostühle für Größe XL, Möbel;Müller & Söhne GmbH;€ 1.234,56\r\n"
                                  "2;6109.10;FR;Tee-shirts été, crème;Société Générale Textiles SàRL;1 234,56\r\n"
                                  ).encode("cp1252"))
    w("cp1250_polish.csv", ("shipment_id,hs_code,destination_country,exporter_name\n"
                            "1,9403.60,DE,Przedsiębiorstwo Łódź Spółka z o.o.\n2,9403.60,DE,Zakład Białystok\n"
                            ).encode("cp1250"))
    small = "shipment_id,hs_code,destination_country,exporter_name\r\n1,9403.60,DE,Мюллер Möbel\r\n"
    w("utf16le_nobom.csv", small.encode("utf-16-le"))
    w("utf16be_bom.csv", codecs.BOM_UTF16_BE + small.encode("utf-16-be"))
    # Delimiters and header spellings.
    w("semicolon_bare_commas.csv", (b"shipment_id;hs_code;destination_country;description;value\n"
                                    b"1;9403.60;DE;Tables, chairs, stools, desks;1.234,56\n"
                                    b"2;8471.30;PL;Laptops, docks, cables;12,5\n"))
    w("title_rows.csv", b"Export from SAP, 2026-03-01\n\nshipment_id;hs_code;destination_country;description\n"
                        b"1;9403.60;DE;Tables, chairs\n2;3104 20 50;BY;Potash\n")
    w("excel_sep_line.csv", b"sep=;\nshipment_id;hs_code;destination_country\n1;9403.60;DE\n")
    w("header_aliases.csv", (b"Shipment No.,HS-code,Country of destination,Consignee,Consignee Country,"
                             b"Goods description,Qty,Invoice value (EUR),Shipment date\n"
                             b"A1,3104.20,Lithuania,UAB Agro,LT,Potash,10,1000,2024-03-01\n"
                             b"A2,8542.31,Kazakhstan,Belaruskali,BY,Chips,5,1000,2024-03-01\n"))
    w("russian_headers.csv", ("Номер;Код ТН ВЭД;Страна назначения;Получатель;Страна получателя\r\n"
                              "Р-1;3104 20 50;Литва;ООО Ромашка;Литва\r\n").encode("cp1251"))
    # Rows with one problem each; the other rows are screened normally.
    w("row_problems.csv", (H + "\n"
                           "1,9403.60,Germny,x,PL,A,10,2024-03-01\n"
                           "2,9403.60,Litva,x,PL,A,10,2024-03-01\n"
                           "3,9403.60,Белорусь,x,PL,A,10,2024-03-01\n"
                           "4,9403.60,DE,x,PL,A,10,2024-02-30\n"
                           "5,9403.60,DE,x,PL,A,10,01/03/2024\n"
                           "6,940,DE,x,PL,A,10,2024-03-01\n"
                           "7,94036000001,DE,x,PL,A,10,2024-03-01\n"
                           "8,9403.60,DE/PL,x,PL,A,10,2024-03-01\n"
                           "9,9403.60,EU,x,PL,A,10,2024-03-01\n"
                           '10,9403.60,DE,x,PL,A,"1,234",2024-03-01\n'
                           "11,9403.60,DE,x,PL,A,(100),2024-03-01\n"
                           "12,9403.60,DE,x,PL,A,10,1024-03-01\n"
                           "1,9403.60,DE,x,PL,A,10,2024-03-01\n").encode())
    w("amounts.csv", (H + "\n" + "".join(f'{i},9403.60,DE,x,PL,A,"{v}",2024-03-01\n' for i, v in enumerate(
        ["1.234,56", "1 234,56", "1,234.56", "1234.56", "€ 1.234,56", "1234 EUR", "1.234.567", "0,5"], start=1))
        ).encode())
    w("formula_prefixes.csv", (H + ",discount\n"
                               '1,9403.60,DE,"\tcmd",PL,"\r=1+1",10,2024-03-01,-12.50\n'
                               "2,9403.60,DE,-2+3+cmd|' /C calc'!A0,PL,@A1,10,2024-03-01,+5\n").encode())
    w("open_quote_short_rows.csv", (b"shipment_id,hs_code,destination_country,description\n"
                                    b'S1,9403.60,DE,"never closed\nS2,9403.60\nS3,9403.60,DE,ok\n'))
    # Binary formats under the wrong name, and files that are no table at all.
    w("old_excel.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    w("report.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    w("csv_called.xlsx", b"shipment_id,hs_code,destination_country\n1,9403.60,DE\n")
    import gzip

    w("shipments.csv.gz", gzip.compress((H + "\n" + ok.replace("\r\n", "\n")).encode(), mtime=0))
    many = "".join(f"T{i},9403.60,DE,item {rng.random():.12f},PL,Polmex,{i},2026-03-01\n" for i in range(3_000))
    cut = gzip.compress((H + "\n" + many).encode(), mtime=0)
    w("truncated.csv.gz", cut[: len(cut) // 2])  # a download cut half-way
    w("broken_first_lines.jsonl", b'{"shipment_id": "1", "hs_code": "9403.60", "destination_country": "DE"\n'
                                  b'not json at all\n'
                                  b'{"shipment_id": "3", "hs_code": 402, "destination_country": "DE"}\n')

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Shipment ID", "HS Code", "Destination Country", "Description", "Date", "Value"])
    ws.append(["X-1", 40690, "Germany", "Cheese", dt.datetime(2026, 3, 1), 1200.0])
    ws.append(["X-2", "3104 20 50", "PL", "=1+1", dt.datetime(2026, 3, 2), 5])
    ws.append([None, None, None, None, None, None])
    ws.append(["X-3", 85423190, "BY", "Chips", dt.date(2026, 3, 3), 10])
    wb.save(HERE / "good.xlsx")
    wb = Workbook()
    notes = wb.active
    notes.title = "Read me"
    notes.append(["This workbook lists the March shipments."])
    march = wb.create_sheet("March")
    march.append(["Shipments March 2026 (export)"])
    march.append([])
    march.append(["Shipment ID", "HS Code", "Destination", "Date", "Value"])
    march.append(["M-1", 402, "DE", dt.datetime(2026, 3, 1), 10])      # 0402 lost its zero
    march.append(["M-2", 3104.2, "PL", dt.datetime(2026, 3, 2), 10])   # 3104.20 lost its trailing zero
    april = wb.create_sheet("April")
    april.append(["shipment_id", "hs_code", "destination_country", "origin_country"])
    april.append(["A-1", "3104 20 50", "PL", "BY"])
    wb.save(HERE / "multi_sheet.xlsx")
    w("fake.xlsx", b"PK\x03\x04 this is not really a zip file")

    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"shipment_id": ["P-1", "P-2"], "hs_code": ["3104 20 50", "9403.60"],
                             "destination_country": ["PL", "DE"], "origin_country": ["BY", None]}),
                   HERE / "good.parquet")
    audit5()


def audit5() -> None:
    """Files of the fifth audit: JSON that Python's decoder raises on (not JSONDecodeError) and
    headers with invisible characters. Run alone: python -c 'import make_bad_files as m; m.audit5()'."""
    ok = '{"shipment_id": "1", "hs_code": "9403.60", "destination_country": "DE"}\n'
    w("json_nested_deep.jsonl", (ok + '{"shipment_id": "2", "hs_code": ' + "[" * 3000 + "]" * 3000 + "}\n"
                                 + ok.replace('"1"', '"3"')).encode())
    w("json_huge_int.jsonl", (ok + '{"shipment_id": "2", "hs_code": "9403.60", "destination_country": "DE", '
                              '"quantity": ' + "9" * 4500 + "}\n").encode())
    w("json_lone_surrogate.jsonl", (ok.replace('"DE"', '"DE", "description": "Tables \\ud800 \\ud83d\\ude00"')
                                    + ok.replace('"1"', '"2"')).encode())
    import io
    import zipfile

    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr(zipfile.ZipInfo("shipments.csv", date_time=(2026, 3, 1, 0, 0, 0)),
                   "shipment_id,hs_code,destination_country\n1,9403.60,DE\n")
    w("shipments.zip", zipped.getvalue())
    w("zero_width_headers.csv", "\u200bshipment_id,\u200ehs_code\u200f,Destination\u00a0Country,\ufeffNote\n"
                                "1,9403.60,DE,a\n2,3104 20 50,BY,b\n".encode())


if __name__ == "__main__":
    main()

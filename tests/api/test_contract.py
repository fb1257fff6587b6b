"""HTTP service contract (CONTRACT section 5) with TestClient: routes, fields, errors, keys, reload."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from compliance.api.logs import JsonFormatter
from compliance.io import OUTPUT_COLUMNS
from compliance.lists.model import ListInfo, LoadedList
from compliance.screener import Screener

from .conftest import CLEAN, POTASH

ROUTES = [("GET", "/v1/health"), ("POST", "/v1/screen"), ("POST", "/v1/screen/batch"), ("POST", "/v1/match"),
          ("GET", "/v1/rules"), ("GET", "/v1/lists"), ("POST", "/v1/lists/reload")]
BODIES = {"/v1/screen": POTASH, "/v1/screen/batch": [POTASH], "/v1/match": {"name": "Belaruskali"}}


def _call(c: TestClient, method: str, path: str, **kw: object):  # type: ignore[no-untyped-def]
    if method == "POST" and path in BODIES:
        kw.setdefault("json", BODIES[path])
    return c.request(method, path, **kw)  # type: ignore[arg-type]


def test_screen_one_has_the_csv_fields(client: TestClient) -> None:
    r = client.post("/v1/screen", json={**POTASH, "my_ref": "PO-7"})
    assert r.status_code == 200
    res = r.json()["result"]
    assert res["verdict"] == "BLOCK" and "BY-SECT-POTASH" in res["rule_ids"].split(";")
    assert res["row_number"] == 1 and res["shipment_id"] == "1"
    # Input fields echoed unchanged (extra ones too), then exactly the CSV output columns.
    keys = list(res)
    assert keys[:len(POTASH) + 1] == [*POTASH, "my_ref"] and res["hs_code"] == "3104 20 50" and res["my_ref"] == "PO-7"
    assert keys[len(POTASH) + 1:] == list(OUTPUT_COLUMNS)
    assert res["findings"][0]["legal_basis"] and res["top_party_list"] == "curated-belarus"


def test_every_response_names_rules_and_lists(client: TestClient) -> None:
    for method, path in ROUTES:
        r = _call(client, method, path)
        assert r.status_code == 200, (path, r.text)
        prov = r.json()["provenance"]
        assert prov["rules"]["version"] and len(prov["rules"]["sha256"]) == 64, path
        assert prov["lists"][0]["name"] == "curated-belarus" and prov["lists"][0]["version"], path
        assert "path" not in prov["lists"][0] and "path" not in prov["rules"], "server paths leak"
        assert r.headers["X-Rules-Version"].startswith("belarus@") and "curated-belarus@" in r.headers["X-Lists-Version"]
        assert r.headers["X-Request-ID"] and r.headers["Cache-Control"] == "no-store"


def test_request_id_echoed_or_made(client: TestClient) -> None:
    assert client.get("/v1/health", headers={"X-Request-ID": "erp-42.a"}).headers["X-Request-ID"] == "erp-42.a"
    made = client.get("/v1/health", headers={"X-Request-ID": "evil\tid " + "x" * 300}).headers["X-Request-ID"]
    assert len(made) == 32 and "evil" not in made
    r = client.post("/v1/screen", json={"shipment_id": "x"})
    assert r.json()["request_id"] == r.headers["X-Request-ID"]


@pytest.mark.parametrize(("body", "field"), [
    ({**CLEAN, "hs_code": "84"}, "hs_code"),
    ({**CLEAN, "hs_code": ["8542"]}, "hs_code"),
    ({**CLEAN, "hs_code": None}, "hs_code"),
    ({**CLEAN, "destination_country": "Narnia"}, "destination_country"),
    ({**CLEAN, "destination_country": 112.5}, "destination_country"),
    ({"hs_code": "854231", "destination_country": "BY"}, "shipment_id"),
    ({**CLEAN, "exporter_name": {"name": "x"}}, "exporter_name"),
    ({**CLEAN, "value": "-5"}, "value"),
    ({**CLEAN, "value": True}, "value"),
    ({**CLEAN, "date": "2026-02-30"}, "date"),
    ({**CLEAN, "consignee_name": "A" * 5000}, "consignee_name"),
])
def test_bad_field_is_422_naming_it(client: TestClient, body: dict[str, object], field: str) -> None:
    r = client.post("/v1/screen", json=body)
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert field in [d["field"] for d in detail], detail
    assert all(d["loc"][0] == "body" and d["message"] for d in detail)
    assert "Traceback" not in r.text


def test_bad_query_is_422_naming_it(client: TestClient) -> None:
    r = client.post("/v1/screen", json=CLEAN, params={"as_of": "yesterday"})
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["query", "as_of"]
    r = client.post("/v1/screen/batch", json=[CLEAN], params={"jurisdiction": "XX"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "jurisdiction"
    r = client.post("/v1/screen", json=CLEAN, params={"jurisdiction": "lt"})
    assert r.status_code == 200 and r.json()["provenance"]["jurisdiction"] == "LT"


def test_batch_json_in_order_none_lost(client: TestClient) -> None:
    rows = [POTASH, CLEAN, {**CLEAN, "shipment_id": "3", "destination_country": "Narnia"}, "junk", None,
            {**CLEAN, "shipment_id": "2"}]
    r = client.post("/v1/screen/batch", json=rows)
    assert r.status_code == 200
    body = r.json()
    out = body["results"]
    assert [x["row_number"] for x in out] == [1, 2, 3, 4, 5, 6]
    assert [x["verdict"] for x in out] == ["BLOCK", "CLEAR", "ERROR", "ERROR", "ERROR", "CLEAR"]
    assert "destination_country" in out[2]["error"] and "row 4" in out[3]["error"]
    assert body["summary"] == {"rows": 6, "BLOCK": 1, "REVIEW": 0, "CLEAR": 2, "ERROR": 3}
    assert any("repeats row 2" in w for w in body["warnings"])
    assert list(out[0])[-len(OUTPUT_COLUMNS):] == list(OUTPUT_COLUMNS)
    assert client.post("/v1/screen/batch", json={"shipments": [CLEAN]}).json()["summary"]["rows"] == 1


def test_batch_csv_bodies(client: TestClient) -> None:
    csv_body = "Shipment ID;HS Code;Destination Country;origin_country\nA;3104 20 50;PL;BY\nB;9403.60;DE;\n"
    r = client.post("/v1/screen/batch", content=csv_body.encode(), headers={"content-type": "text/csv"})
    assert r.status_code == 200, r.text
    assert [x["verdict"] for x in r.json()["results"]] == ["BLOCK", "CLEAR"]
    assert r.json()["results"][0]["Shipment ID"] == "A"  # the client's header, echoed
    cyr = "shipment_id,hs_code,destination_country,consignee_name\n1,854231,Беларусь,ОАО «Интеграл»\n"
    for headers in ({"content-type": "text/csv; charset=windows-1251"}, {"content-type": "text/csv"}):
        r = client.post("/v1/screen/batch", content=cyr.encode("cp1251"), headers=headers)
        assert r.status_code == 200, r.text
        assert r.json()["results"][0]["consignee_name"] == "ОАО «Интеграл»"
        assert r.json()["results"][0]["verdict"] == "BLOCK"
    jl = "\n".join(json.dumps(x) for x in [POTASH, CLEAN]) + "\n{broken\n"
    r = client.post("/v1/screen/batch", content=jl.encode(), headers={"content-type": "application/x-ndjson"})
    assert [x["verdict"] for x in r.json()["results"]] == ["BLOCK", "CLEAR", "ERROR"]


def test_batch_ndjson_stream(client: TestClient) -> None:
    rows = [{**CLEAN, "shipment_id": str(i)} for i in range(450)] + ["junk"]
    r = client.post("/v1/screen/batch", json=rows, headers={"accept": "application/x-ndjson"})
    assert r.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(x) for x in r.text.splitlines()]
    assert lines[0]["provenance"]["rules"]["version"]
    assert [x["shipment_id"] for x in lines[1:-1]] == [str(i) for i in range(450)] + [""]
    assert lines[-1]["summary"] == {"rows": 451, "BLOCK": 0, "REVIEW": 0, "CLEAR": 450, "ERROR": 1}


def test_match_rules_lists_health(client: TestClient) -> None:
    r = client.post("/v1/match", json={"name": "ААТ «Гродна Азот»", "country": "Беларусь"})
    assert r.json()["matches"][0]["entity_id"] == "curated:grodno-azot" and r.json()["country"] == "BY"
    assert client.post("/v1/match", json={"name": ""}).json()["detail"][0]["field"] == "name"
    assert client.post("/v1/match", json={"name": "x", "country": "Atlantis"}).json()["detail"][0]["field"] == "country"
    assert client.post("/v1/match", json={"name": "x", "limit": 0}).json()["detail"][0]["field"] == "limit"
    assert any(x["id"] == "BY-SECT-POTASH" for x in client.get("/v1/rules").json()["rules"])
    assert client.get("/v1/lists").json()["lists"][0]["name"] == "curated-belarus"
    assert client.get("/v1/health").json()["status"] == "ok"
    assert client.get("/v1/nowhere").status_code == 404 and client.get("/v1/nowhere").json()["request_id"]
    assert client.get("/v1/screen").status_code == 405


def test_openapi_has_examples_and_result_fields(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    assert set(OUTPUT_COLUMNS) <= set(schemas["ResultRow"]["properties"])
    for method, path in ROUTES:
        op = spec["paths"][path][method.lower()]
        ok = op["responses"]["200"]
        ref = ok["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        assert schemas[ref].get("examples"), f"{path}: no response example"
        if method == "POST" and path != "/v1/lists/reload":
            content = op["requestBody"]["content"]
            for media in content.values():
                has = media.get("example") or media.get("examples")
                if not has and "$ref" in media.get("schema", {}):
                    has = schemas[media["schema"]["$ref"].rsplit("/", 1)[1]].get("examples")
                assert has, f"{path}: no request example"
        if path != "/v1/health":
            assert op.get("security"), f"{path}: key not documented"
    assert set(spec["paths"]["/v1/screen/batch"]["post"]["requestBody"]["content"]) >= {"application/json", "text/csv"}


def test_body_limit_413_declared_and_chunked(client: TestClient) -> None:
    rows = [{**CLEAN, "description": "x" * 1000, "shipment_id": str(i)} for i in range(300)]
    r = client.post("/v1/screen/batch", json=rows)
    assert r.status_code == 413 and r.json()["request_id"] == r.headers["X-Request-ID"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it streams
        yield b"shipment_id,hs_code,destination_country\n"
        for i in range(100_000):
            yield f"{i},854231,DE\n".encode() * 10

    r = client.post("/v1/screen/batch", content=chunks(), headers={"content-type": "text/csv"})
    assert r.status_code == 413
    r = client.post("/v1/screen", content=(b"{" + b" " * 1000 for _ in range(1000)),
                    headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_api_keys_on_every_route_but_health(make_client: Callable[..., TestClient]) -> None:
    keyed = make_client(api_keys=["k1", "k2"])
    for method, path in ROUTES:
        expected = 200 if path == "/v1/health" else 401
        assert _call(keyed, method, path).status_code == expected, path
        assert _call(keyed, method, path, headers={"X-API-Key": "k1x"}).status_code == expected, path
        assert _call(keyed, method, path, headers={"X-API-Key": "k2"}).status_code == 200, path
    assert keyed.post("/v1/screen", json=CLEAN).json()["error"] == "missing or wrong X-API-Key"
    spec_paths = {p for p in keyed.get("/openapi.json").json()["paths"] if p.startswith("/v1/")}
    for method in ("GET", "POST"):  # the decisions routes need an audit store: tests/api/test_audit.py
        assert keyed.request(method, "/v1/decisions", json={}).status_code == 401
    assert spec_paths == {p for _, p in ROUTES} | {"/v1/decisions"}, "a new route needs a line in ROUTES"


def test_reload_swaps_and_a_failed_reload_keeps_the_old(make_client: Callable[..., TestClient],
                                                        screener: Screener) -> None:
    extra = LoadedList(info=ListInfo(name="extra-list", format="test", version="7"), entities=[])
    versions = iter([Screener(screener.bundle, [*screener.lists, extra])])

    def loader() -> Screener:
        nxt = next(versions, None)
        if nxt is None:
            raise ValueError("lists file is damaged")
        return nxt

    c = make_client(loader=loader)
    r = c.post("/v1/lists/reload")
    assert r.status_code == 200
    assert [x["name"] for x in r.json()["provenance"]["lists"]] == ["curated-belarus", "extra-list"]
    assert [x["name"] for x in r.json()["previous"]["lists"]] == ["curated-belarus"]
    r = c.post("/v1/lists/reload")
    assert r.status_code == 409 and "previous rules and lists kept" in r.json()["error"]
    assert [x["name"] for x in c.get("/v1/lists").json()["lists"]] == ["curated-belarus", "extra-list"]
    assert c.post("/v1/screen", json=POTASH).json()["result"]["verdict"] == "BLOCK"


def test_reload_refuses_a_damaged_list_store(make_client: Callable[..., TestClient]) -> None:
    from compliance import settings

    c = make_client(loader=lambda: Screener.load())
    assert c.post("/v1/lists/reload").status_code == 200
    store = settings.data_dir() / "lists"
    store.mkdir(parents=True, exist_ok=True)
    (store / "ofac.json").write_text('{"info": {"name": "ofac", "fo')  # a half-written file
    r = c.post("/v1/lists/reload")
    assert r.status_code == 409 and "ofac.json" in r.json()["error"]


def test_internal_bug_is_a_json_500_with_only_the_request_id(make_client: Callable[..., TestClient],
                                                             screener: Screener,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    c = make_client(screener=Screener(screener.bundle, screener.lists))
    monkeypatch.setattr(Screener, "screen", lambda *a, **k: 1 / 0)
    r = c.post("/v1/screen", json=CLEAN, headers={"X-Request-ID": "bug-1"})
    assert r.status_code == 500
    assert r.json() == {"error": "internal error: quote the request id when you report it", "status": 500,
                        "request_id": "bug-1"}
    assert "ZeroDivision" not in r.text and r.headers["X-Request-ID"] == "bug-1"


def test_access_log_is_one_json_object_per_request(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="compliance.access"):
        r = client.post("/v1/screen", json=CLEAN, headers={"X-Request-ID": "log-me"})
        client.post("/v1/screen", json={})
    records = [rec for rec in caplog.records if rec.name == "compliance.access"]
    assert len(records) == 2
    first = json.loads(JsonFormatter().format(records[0]))
    assert first["request_id"] == "log-me" == r.headers["X-Request-ID"]
    assert (first["method"], first["path"], first["status"]) == ("POST", "/v1/screen", 200)
    assert first["duration_ms"] > 0 and first["ts"]
    assert json.loads(JsonFormatter().format(records[1]))["status"] == 422


def test_batch_json_with_bom_or_another_charset(client: TestClient) -> None:
    body = json.dumps([POTASH, {**CLEAN, "consignee_name": "ТОО Астана"}], ensure_ascii=False)
    r = client.post("/v1/screen/batch", content=b"\xef\xbb\xbf" + body.encode(), headers={"content-type": "application/json"})
    assert [x["verdict"] for x in r.json()["results"]] == ["BLOCK", "CLEAR"]
    r = client.post("/v1/screen/batch", content=body.encode("utf-16"),
                    headers={"content-type": "application/json; charset=utf-16"})
    assert r.json()["results"][1]["consignee_name"] == "ТОО Астана"
    r = client.post("/v1/screen/batch", content=b"[]", headers={"content-type": "application/json; charset=klingon"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body"


def test_batch_file_upload(client: TestClient) -> None:
    from pathlib import Path

    csv_file = b"shipment_id,hs_code,destination_country,origin_country\nA,3104 20 50,PL,BY\nB,9403.60,DE,\n"
    r = client.post("/v1/screen/batch", files={"file": ("weekly.csv", csv_file, "text/csv")})
    assert [x["verdict"] for x in r.json()["results"]] == ["BLOCK", "CLEAR"]
    xlsx = (Path(__file__).resolve().parent.parent / "data" / "bad" / "good.xlsx").read_bytes()
    r = client.post("/v1/screen/batch", files={"upload": ("export.xlsx", xlsx, "application/octet-stream")},
                    headers={"accept": "application/x-ndjson"})
    assert r.status_code == 200 and json.loads(r.text.splitlines()[-1])["summary"]["rows"] >= 1
    fake = (Path(__file__).resolve().parent.parent / "data" / "bad" / "fake.xlsx").read_bytes()
    r = client.post("/v1/screen/batch", files={"file": ("fake.xlsx", fake, "application/octet-stream")})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body"
    r = client.post("/v1/screen/batch", files={"file": ("junk.xlsx", b"PK\x03\x04" + b"\x00" * 500, "x/y")})
    assert r.status_code == 422
    r = client.post("/v1/screen/batch", data={"note": "no file"}, files={})
    assert r.status_code in (415, 422)
    r = client.post("/v1/screen/batch", content=b"--x\r\nnonsense", headers={"content-type": "multipart/form-data; boundary=x"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "body"


def test_numeric_country_codes_as_numbers(client: TestClient) -> None:
    r = client.post("/v1/screen", json={**CLEAN, "hs_code": 854231, "destination_country": 112,
                                        "transit_countries": ["LT", 112], "date": "2025-01-01"})
    assert r.status_code == 200 and r.json()["result"]["verdict"] == "BLOCK"
    assert r.json()["result"]["destination_country"] == 112  # echoed as sent

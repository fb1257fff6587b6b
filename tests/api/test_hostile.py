"""Hostile HTTP input (issue 6): every answer is a JSON 2xx/4xx with a request id, never a 500."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import CLEAN, POTASH

JSON = {"content-type": "application/json"}
CSV = {"content-type": "text/csv"}

HOSTILE: list[tuple[str, bytes, dict[str, str]]] = [
    ("/v1/screen", b"{not json", JSON),
    ("/v1/screen", b"", JSON),
    ("/v1/screen", b"null", JSON),
    ("/v1/screen", b"[]", JSON),
    ("/v1/screen", b'"a string"', JSON),
    ("/v1/screen", b"\xff\xfe\x00\x01garbage", JSON),
    ("/v1/screen", '{"shipment_id": "1", "hs_code": "854231", "destination_country": "\udcff"}'.encode("utf-8", "surrogatepass"), JSON),
    ("/v1/screen", json.dumps({**CLEAN, "hs_code": {"$gt": ""}}).encode(), JSON),
    ("/v1/screen", json.dumps({**CLEAN, "transit_countries": [1, [2], {"x": 3}]}).encode(), JSON),
    ("/v1/screen", json.dumps({**CLEAN, "quantity": 1e308 * 10}).encode(), JSON),
    ("/v1/screen", b'{"shipment_id": "1", "hs_code": "854231", "destination_country": "DE", "value": NaN}', JSON),
    ("/v1/screen", b"[" * 100_000 + b"]" * 100_000, JSON),
    ("/v1/screen", json.dumps({**CLEAN, "shipment_id": 10**400}).encode(), JSON),
    ("/v1/screen", json.dumps(CLEAN).encode(), {"content-type": "text/csv"}),
    ("/v1/screen", json.dumps(CLEAN).encode(), {"content-type": "application/json; charset=utf-16"}),
    ("/v1/screen/batch", b"{not json", JSON),
    ("/v1/screen/batch", b"", JSON),
    ("/v1/screen/batch", b"", CSV),
    ("/v1/screen/batch", b"\x00\x01\x02\xff\xfe" * 2000, CSV),
    ("/v1/screen/batch", b"PK\x03\x04 not a zip at all", {"content-type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    ("/v1/screen/batch", b"PAR1 not parquet", {"content-type": "application/vnd.apache.parquet"}),
    ("/v1/screen/batch", b"just one line without the columns\n", CSV),
    ("/v1/screen/batch", b'shipment_id,hs_code,destination_country\n1,"854231,DE\n2,854231,DE\n', CSV),
    ("/v1/screen/batch", b"shipment_id,hs_code,destination_country\n1,854231,DE\n", {"content-type": "text/csv; charset=nonsense-8"}),
    ("/v1/screen/batch", b"shipment_id,hs_code,destination_country\n1,854231,DE\n", {"content-type": "image/png"}),
    ("/v1/screen/batch", b'{"shipments": 5}', JSON),
    ("/v1/screen/batch", b'[1, "two", null, [], {"shipment_id": {"a": 1}}, {"hs_code": [1, 2]}]', JSON),
    ("/v1/screen/batch", b"[" * 100_000 + b"]" * 100_000, JSON),
    ("/v1/screen/batch", b'{"a": 1}\n[1]\n\xff\xff\n', {"content-type": "application/x-ndjson"}),
    ("/v1/match", b'{"name": ["a"]}', JSON),
    ("/v1/match", b'{"name": "x", "limit": "many"}', JSON),
    ("/v1/match", b'{"name": "x", "country": 7}', JSON),
    ("/v1/match", b"\xc3\x28", JSON),
    ("/v1/match", b'{"name": "' + b"a" * 5000 + b'"}', JSON),
]


@pytest.mark.parametrize(("path", "body", "headers"), HOSTILE, ids=[f"{p}-{i}" for i, (p, _, _) in enumerate(HOSTILE)])
def test_hostile_bodies_get_4xx_or_error_rows(client: TestClient, path: str, body: bytes, headers: dict[str, str]) -> None:
    r = client.post(path, content=body, headers=headers)
    assert 200 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert r.headers["X-Request-ID"]
    if r.status_code >= 400:
        out = r.json()
        assert out["request_id"] == r.headers["X-Request-ID"] and out["error"]
        if r.status_code == 422:
            assert all(d["field"] for d in out["detail"])
    assert "Traceback" not in r.text and 'File "' not in r.text


def test_enormous_single_fields(make_client: Callable[..., TestClient]) -> None:
    c = make_client()  # default 20 MB limit
    for field in ("exporter_name", "destination_country", "origin_country", "transit_countries", "hs_code"):
        r = c.post("/v1/screen", json={**CLEAN, field: "Belarus " * 200_000})
        assert r.status_code == 422 and r.json()["detail"][0]["field"] == field
    r = c.post("/v1/screen", json={**CLEAN, "description": "x" * 5_000_000, "shipment_id": "y" * 1_000_000})
    assert r.status_code == 200 and r.json()["result"]["verdict"] == "CLEAR"
    rows = [POTASH, {**CLEAN, "consignee_name": "ab1;" * 250_000}]
    out = c.post("/v1/screen/batch", json=rows).json()["results"]
    assert [x["verdict"] for x in out] == ["BLOCK", "ERROR"] and "consignee_name" in out[1]["error"]


_scalar = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=30)
_value = st.recursive(_scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                           max_size=3), max_leaves=6)
_fields = st.sampled_from(["shipment_id", "hs_code", "destination_country", "transit_countries", "exporter_name",
                           "value", "quantity", "date", "end_use_doc_type", "origin_country", "zzz"])
_shipment = st.dictionaries(_fields, _value | st.sampled_from(["854231", "BY", "3104 20 50", "2026-03-01"]),
                            max_size=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=_shipment | _value)
def test_fuzzed_json_never_500(client: TestClient, body: Any) -> None:
    r = client.post("/v1/screen", json=body)
    assert r.status_code in (200, 422), r.text[:300]
    batch = [body, CLEAN] if isinstance(body, dict) else body
    r = client.post("/v1/screen/batch", json=batch)
    assert r.status_code in (200, 422), r.text[:300]
    if r.status_code == 200 and isinstance(batch, list):
        assert len(r.json()["results"]) == len(batch)


def test_batch_warnings_name_the_body_not_the_spool_file(client: TestClient) -> None:
    """Warnings said while the rows are read (a repeated header, a title row above the header)
    named the server's temporary file; they say 'body'. Multi-line quoted cells with commas stay
    one row each."""
    body = (b"Weekly export\nshipment_id;hs_code;destination_country;description\n"
            b'1;9403.60;DE;"Tables, chairs\nstools, 4 pcs, oak"\n'
            b"shipment_id;hs_code;destination_country;description\n2;9403.60;DE;x\n")
    for accept in ("application/json", "application/x-ndjson"):
        r = client.post("/v1/screen/batch", content=body, headers={"content-type": "text/csv", "accept": accept})
        assert r.status_code == 200
        assert "compliance-body" not in r.text and "/tmp" not in r.text
        lines = [json.loads(x) for x in r.text.splitlines()] if "ndjson" in accept else [r.json()]
        tail = lines[-1]
        rows = r.json()["results"] if "ndjson" not in accept else [x for x in lines if "verdict" in x]
        assert [x["shipment_id"] for x in rows] == ["1", "2"]
        assert any(w.startswith("body: line 5 repeats the header") for w in tail["warnings"]), tail
        assert any(w.startswith("body: 1 line(s) above the header") for w in tail["warnings"]), tail


def test_repeated_key_in_one_shipment_is_422_naming_it(client: TestClient) -> None:
    # orjson and json keep the last value of a repeated key: {"destination_country": "BY", ...: "DE"}
    # would be screened as DE without a trace.
    body = b'{"shipment_id": "1", "hs_code": "847130", "destination_country": "BY", "destination_country": "DE"}'
    r = client.post("/v1/screen", content=body, headers=JSON)
    assert r.status_code == 422, r.text
    assert "destination_country" in r.text
    same = b'{"shipment_id": "1", "hs_code": "847130", "destination_country" : "DE", "destination_country": "DE"}'
    assert client.post("/v1/screen", content=same, headers=JSON).status_code == 200


def test_repeated_key_in_a_batch_row_is_an_error_row(client: TestClient) -> None:
    body = (b'[{"shipment_id": "1", "hs_code": "847130", "hs_code" : "310420", "destination_country": "DE"},'
            b' {"shipment_id": "2", "hs_code": "847130", "destination_country": "DE"}]')
    r = client.post("/v1/screen/batch", content=body, headers=JSON)
    assert r.status_code == 200, r.text
    results = r.json()["results"]
    assert [x["verdict"] for x in results] == ["ERROR", "CLEAR"]
    assert "hs_code" in results[0]["error"] and "row 1" in results[0]["error"]


def test_repeated_wrapper_key_is_refused(client: TestClient) -> None:
    body = (b'{"shipments": [{"shipment_id": "1", "hs_code": "847130", "destination_country": "BY"}],'
            b' "shipments": [{"shipment_id": "2", "hs_code": "847130", "destination_country": "DE"}]}')
    r = client.post("/v1/screen/batch", content=body, headers=JSON)
    assert r.status_code == 422 and "shipments" in r.text, r.text


@pytest.mark.parametrize("accept", ["application/json", "application/x-ndjson"])
@pytest.mark.parametrize("kind", ["gzip-csv", "json"])
def test_more_rows_than_a_request_may_hold(kind: str, accept: str, make_client: Callable[..., TestClient],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """A few KB of gzip-compressed CSV (read through) or of ``[{},{},...]`` hold millions of rows:
    past COMPLIANCE_MAX_BATCH_ROWS the answer is 413 saying so (streamed: an error line), not a
    response built from millions of results."""
    import gzip

    import compliance.api.app as api_app

    monkeypatch.setattr(api_app, "MAX_BATCH_ROWS", 2500)
    client = make_client()
    if kind == "gzip-csv":
        body = gzip.compress(b"shipment_id,hs_code,destination_country\n" + b"S,847130,DE\n" * 3000)
        headers = {"content-type": "text/csv"}
    else:
        body = json.dumps([CLEAN] * 3000).encode()
        headers = dict(JSON)
    r = client.post("/v1/screen/batch", content=body, headers={**headers, "accept": accept})
    if accept == "application/json" or kind == "json":
        assert r.status_code == 413, r.text
        assert "more than 2,500 rows" in r.json()["error"]
    else:
        lines = [json.loads(x) for x in r.text.splitlines()]
        assert "more than 2,500 rows" in lines[-1]["error"] and len(lines) < 2600
    ok = client.post("/v1/screen/batch", content=json.dumps([CLEAN] * 2500).encode(), headers=JSON)
    assert ok.status_code == 200 and len(ok.json()["results"]) == 2500


@pytest.mark.parametrize(("field", "value"), [("value", "99999999999999999999"), ("value", 1e300),
                                              ("quantity", 1e16), ("currency", "234.50")])
def test_one_shipment_with_an_absurd_amount_is_422(field: str, value: Any,
                                                   make_client: Callable[..., TestClient]) -> None:
    """What makes a file row ERROR (an amount of 10^15 or more, a number as the currency) is 422
    naming the field for one shipment."""
    r = make_client().post("/v1/screen", json={**CLEAN, field: value})
    assert r.status_code == 422, r.text
    assert [d["field"] for d in r.json()["detail"]] == [field]

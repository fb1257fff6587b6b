"""Damaged list files give a clear ListLoadError naming the file; the store never loses a list."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from compliance.cli import app
from compliance.exc import ListLoadError
from compliance.lists import _store_file, import_list, imported_lists, list_status, load_list

ROW = '{n},"NAME {n}",-0- ,"BELARUS",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '


def _sdn(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / "sdn.csv"
    p.write_bytes(("\r\n".join(ROW.format(n=i) for i in range(1, n + 1)) + "\r\n\x1a").encode())
    return p


UN_HEAD = '<?xml version="1.0"?><CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS>'
UN_ONE = "<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>X.1</REFERENCE_NUMBER></INDIVIDUAL>"


@pytest.mark.parametrize(("name", "content", "fmt", "expect"), [
    ("empty.csv", b"", None, "empty file"),
    ("blank.xml", b"  \r\n\r\n", None, "empty file"),
    ("junk.bin", bytes(range(256)) * 20, None, "binary"),
    ("junk.csv", b"\x00\x01PK\x03" * 500, "ofac-csv", "binary"),
    ("un.xml", (UN_HEAD + UN_ONE + "<INDIVIDUAL><FIRST_NA").encode(), None, r"UN XML at line 1.*after INDIVIDUAL un:X\.1"),
    ("sdn.xml", b'<sdnList xmlns="http://tempuri.org/sdnList.xsd"><sdnEntry><uid>1</uid>', None, "OFAC XML"),
    ("eu.xml", b'<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity logicalId="1">', None,
     "EU FSF XML"),
    ("x.ods", b"PK\x03\x04not really a zip", "uk-ods", "not an ODS"),
    ("x.json", b'{"id": "a", "schema": "Person", "properties": {"name": ["A"]}}\n{"id": "b", bro', None,
     "line 2: not valid JSON"),
    ("other.xml", b"<?xml version='1.0'?><catalog><book/></catalog>", None, "root <catalog>"),
    ("plain.csv", b"a,b,c\n1,2,3\n", None, "unknown list format"),
    ("hs.csv", b"\xef\xbb\xbfsection,name\nI,Live animals\n", "uk-csv", "not a UK sanctions list"),
])
def test_damaged_files_name_the_file(tmp_path: Path, name: str, content: bytes, fmt: str | None,
                                     expect: str) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    with pytest.raises(ListLoadError, match=expect) as err:
        load_list(p, fmt)
    assert str(p) in str(err.value)


def test_wrong_format_says_what_the_file_looks_like(tmp_path: Path) -> None:
    p = tmp_path / "list.xml"
    p.write_text(UN_HEAD + UN_ONE + "</INDIVIDUALS></CONSOLIDATED_LIST>", encoding="utf-8")
    with pytest.raises(ListLoadError, match=r"expected <export>.*--format eu-fsf-xml was given.*looks like un-xml"):
        load_list(p, "eu-fsf-xml")
    with pytest.raises(ListLoadError, match="unknown list format 'un'"):
        load_list(p, "un")
    sdn = _sdn(tmp_path / "o", 2)
    with pytest.raises(ListLoadError, match="looks like ofac-csv"):
        load_list(sdn, "eu-fsf-csv")


def _store_bytes(name: str) -> bytes:
    return _store_file(name).read_bytes()


def test_failed_import_keeps_previous_list_byte_for_byte(tmp_path: Path) -> None:
    import_list(_sdn(tmp_path / "2025-01", 3))
    before = _store_bytes("ofac-sdn")
    broken = tmp_path / "2025-02" / "sdn.csv"
    broken.parent.mkdir()
    broken.write_bytes(b'1,"A",-0- ,"BELARUS",-0- ,-0- \r\n2,"B",-0- ,"BEL')  # truncated download
    with pytest.raises(ListLoadError, match=r"line \d: .*truncated"):
        import_list(broken)
    assert _store_bytes("ofac-sdn") == before
    assert not list(_store_file("ofac-sdn").parent.glob(".import-*"))  # no temp file left behind


def test_interrupted_write_keeps_previous_list(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import_list(_sdn(tmp_path / "2025-01", 3))
    before = _store_bytes("ofac-sdn")

    def boom(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(os, "replace", boom)
        with pytest.raises(KeyboardInterrupt):
            import_list(_sdn(tmp_path / "2025-02", 5))
    assert _store_bytes("ofac-sdn") == before
    assert not list(_store_file("ofac-sdn").parent.glob(".import-*"))
    assert [x.info.entries for x in imported_lists()] == [3]


def test_reimport_is_idempotent_newer_replaces_older_is_refused(tmp_path: Path) -> None:
    first = import_list(_sdn(tmp_path / "sdn_2025-01", 3))
    stamp = _store_file("ofac-sdn").stat().st_mtime_ns
    again = import_list(tmp_path / "sdn_2025-01" / "sdn.csv")
    assert again.imported_at == first.imported_at and again.sha256 == first.sha256
    assert _store_file("ofac-sdn").stat().st_mtime_ns == stamp  # not rewritten
    newer = import_list(_sdn(tmp_path / "sdn_2025-06", 4))
    assert newer.entries == 4 and [x.info.entries for x in imported_lists()] == [4]
    with pytest.raises(ListLoadError, match="older than the one already imported"):
        import_list(_sdn(tmp_path / "sdn_2024-01", 2))
    assert [x.info.entries for x in imported_lists()] == [4]
    assert import_list(tmp_path / "sdn_2024-01" / "sdn.csv", force=True).entries == 2
    status = {i.name: i for i in list_status()}
    assert set(status) == {"curated-belarus", "ofac-sdn"}
    sdn = status["ofac-sdn"]
    assert sdn.entries == 2 and sdn.sha256 and len(sdn.sha256) == 64 and sdn.imported_at is not None
    assert sdn.version == "2024-01" and sdn.date_source == "folder name"


def test_cli_import_and_status(tmp_path: Path, shared_data: Path) -> None:
    runner = CliRunner()
    path = shared_data / "un/UN_consolidated.xml"
    r = runner.invoke(app, ["lists", "import", str(path)])
    assert r.exit_code == 0, r.output
    assert "imported un (un-xml): 1003 entries" in r.output
    r = runner.invoke(app, ["lists", "import", str(path)])
    assert r.exit_code == 0 and "unchanged" in r.output
    r = runner.invoke(app, ["lists", "import", str(path), "--format", "ofac-csv"])
    assert r.exit_code != 0 and "looks like un-xml" in r.output
    r = runner.invoke(app, ["lists", "status", "--json"])
    assert r.exit_code == 0
    assert '"date": "2026-02-27"' in r.output and '"entries": 1003' in r.output
    r = runner.invoke(app, ["lists", "status"])
    assert r.exit_code == 0 and "un-xml" in r.output


def test_damaged_store_file_is_skipped_and_replaced(tmp_path: Path) -> None:
    import_list(_sdn(tmp_path / "2025-01", 3))
    _store_file("ofac-sdn").write_bytes(b'{"info": {"name": "ofac-sdn", "format": "ofac-csv"}, "entities": [')
    assert imported_lists() == []
    assert [i.name for i in list_status()] == ["curated-belarus"]
    assert import_list(tmp_path / "2025-01" / "sdn.csv").entries == 3  # a new import repairs the store
    assert [x.info.entries for x in imported_lists()] == [3]


@pytest.mark.parametrize(("entity", "expect"), [("&lol6;", "amplification"), ("&xxe;", "undefined entity")])
def test_hostile_xml_is_refused(tmp_path: Path, entity: str, expect: str) -> None:
    """Entity expansion (billion laughs) and external entities never expand or read files."""
    dtd = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 7))
    p = tmp_path / "un.xml"
    p.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE x [{dtd}<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
                 f'<CONSOLIDATED_LIST dateGenerated="2026-01-01"><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>{entity}'
                 "</FIRST_NAME><REFERENCE_NUMBER>X</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
                 encoding="utf-8")
    try:
        loaded = load_list(p)
    except ListLoadError as e:
        assert expect in str(e) and str(p) in str(e)
        return
    assert len(loaded.entities[0].name) < 10_000  # expansion capped by the parser

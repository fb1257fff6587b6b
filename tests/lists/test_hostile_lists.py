"""List files as they arrive in practice (sixth audit): renamed spreadsheets, FtM exports with
schemas the reader does not model, OFAC copies without their end byte, a list much shorter than
the one stored. Each loads whole with a warning that says what to check, or is refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from compliance.exc import ListLoadError
from compliance.lists import detect_format, import_list, imported_lists, load_list

SDN_ROW = '{n},"{name}","entity","BELARUS-EO14038",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- '


def _sdn(path: Path, n: int, eof: bytes = b"\r\n\x1a") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [SDN_ROW.format(n=i, name=f"BELARUS COMPANY {i} OAO") for i in range(1, n + 1)]
    path.write_bytes("\r\n".join(rows).encode() + eof)
    return path


def test_ods_without_mimetype_entry_or_extension_is_detected(shared_data: Path, tmp_path: Path) -> None:
    # The published FCDO file does not start with ODF's 'mimetype' entry: renamed, it was refused
    # as "a zip archive that is neither an ODS nor an XLSX".
    copy = tmp_path / "download"
    shutil.copyfile(shared_data / "uk" / "FCDO_SL_Mon_Aug_11_2025.ods", copy)
    assert detect_format(copy) == "uk-ods"
    loaded = load_list(copy)
    assert sum(1 for e in loaded.entities if any(li.program == "Belarus" for li in e.listings)) > 150


def test_ftm_records_of_other_schemas(tmp_path: Path) -> None:
    records = [
        {"id": "p1", "schema": "Person", "properties": {"name": ["Aliaksandr Lukashenka"], "topics": ["sanction"]},
         "datasets": ["eu_fsf"]},
        {"id": "w1", "schema": "FooBar", "properties": {"name": ["Not a party"]}},
        {"id": "b1", "schema": "Security", "properties": {"name": ["BELARUSBANK BOND 2027"], "topics": ["sanction"]},
         "datasets": ["eu_fsf"]},
        {"id": "s1", "schema": "Sanction", "properties": {"entity": ["v1"], "program": ["BELARUS-EO14038"]},
         "datasets": ["us_ofac_sdn"]},
        {"id": "v1", "schema": "Vehicle", "properties": {"name": ["MAZ 6312"]}},
        {"id": "o1", "schema": "Ownership", "properties": {"owner": ["p1"], "asset": ["b1"]}},
    ]
    p = tmp_path / "entities.ftm.json"
    p.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    loaded = load_list(p)
    by_id = {e.id: e for e in loaded.entities}
    assert set(by_id) == {"os:p1", "os:b1", "os:v1"}  # sanctioned records kept whatever their schema
    assert by_id["os:b1"].kind == "unknown" and by_id["os:b1"].listings[0].regime == "EU"
    assert by_id["os:v1"].listings[0].regime == "US"
    assert any("kept as parties of kind unknown" in w for w in loaded.info.warnings)
    assert any("(FooBar)" in w and "skipped" in w for w in loaded.info.warnings)


def test_ofac_copy_without_its_end_byte_loads_with_a_warning(tmp_path: Path) -> None:
    whole = load_list(_sdn(tmp_path / "a" / "sdn.csv", 3))
    assert len(whole.entities) == 3 and not any("0x1A" in w for w in whole.info.warnings)
    for eof in (b"\r\n", b"\n", b""):
        loaded = load_list(_sdn(tmp_path / f"b{len(eof)}" / "sdn.csv", 3, eof))
        assert len(loaded.entities) == 3
        assert any("no end-of-file byte (0x1A)" in w for w in loaded.info.warnings)


def test_much_shorter_list_than_the_stored_one_is_said(tmp_path: Path) -> None:
    import_list(_sdn(tmp_path / "full" / "sdn.csv", 100))
    info = import_list(_sdn(tmp_path / "cut" / "sdn.csv", 70, b"\r\n"))  # cut at a line break
    assert info.entries == 70 and any("a partial file?" in w for w in info.warnings)
    info = import_list(_sdn(tmp_path / "next" / "sdn.csv", 68))
    assert not any("a partial file?" in w for w in info.warnings)


def test_list_cut_to_under_half_does_not_replace_the_stored_one(tmp_path: Path) -> None:
    import_list(_sdn(tmp_path / "full" / "sdn.csv", 100))
    with pytest.raises(ListLoadError, match=r"49 entries would replace the 100 .*kept the stored list"):
        import_list(_sdn(tmp_path / "cut" / "sdn.csv", 49, b"\r\n"))
    assert imported_lists()[0].info.entries == 100
    assert import_list(_sdn(tmp_path / "cut" / "sdn.csv", 49, b"\r\n"), force=True).entries == 49
    assert import_list(_sdn(tmp_path / "sel" / "sdn.csv", 20), name="ofac-selection").entries == 20


def test_ofac_list_twice_in_one_file_is_merged(tmp_path: Path) -> None:
    p = _sdn(tmp_path / "sdn.csv", 3, b"\r\n")
    p.write_bytes(p.read_bytes() * 2 + b"\x1a")
    loaded = load_list(p)
    assert len(loaded.entities) == 3
    assert any("repeated; merged with the earlier record" in w for w in loaded.info.warnings)


def test_control_characters_are_removed_from_names(tmp_path: Path) -> None:
    p = tmp_path / "sdn.csv"
    p.write_bytes(b'1,"LUKA\x07SHEN\x1bKA, Alyaksandr","individual","BELARUS",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,'
                  b'"a.k.a. \'LUKASHENKO,\tAlexander\'."\r\n2,"BELARUSKALI OAO","-0- ","BELARUS",-0- ,-0- ,-0- ,'
                  b'-0- ,-0- ,-0- ,-0- ,-0- \r\n\x1a')
    loaded = load_list(p)
    person, org = loaded.entities
    assert person.name == "LUKASHENKA, Alyaksandr" and org.name == "BELARUSKALI OAO"
    assert all(ch.isprintable() for e in loaded.entities for n in e.all_names for ch in n)
    assert any("control characters" in w for w in loaded.info.warnings)


def test_ftm_non_target_records_are_not_listings(tmp_path: Path) -> None:
    """OpenSanctions' entity exports carry related records with "target": false (an owner, a
    relative): their datasets are context, not a listing, so they can never block a shipment."""
    records = [
        {"id": "t1", "schema": "Company", "target": True, "datasets": ["us_ofac_sdn"],
         "properties": {"name": ["BELARUSKALI OAO"]}},
        {"id": "n1", "schema": "Person", "target": False, "datasets": ["us_ofac_sdn"],
         "properties": {"name": ["Ivan Petrov"]}},
        {"id": "n2", "schema": "Person", "target": False, "datasets": ["eu_fsf"],
         "properties": {"name": ["Olga Sidorova"], "topics": ["sanction"]}},
    ]
    p = tmp_path / "entities.ftm.json"
    p.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    by_id = {e.id: e for e in load_list(p).entities}
    assert by_id["os:t1"].listings and by_id["os:n2"].listings  # a sanction topic still lists it
    assert by_id["os:n1"].listings == []


def test_ofac_side_file_without_its_end_byte_is_said(tmp_path: Path) -> None:
    sdn = _sdn(tmp_path / "sdn.csv", 2)
    (tmp_path / "alt.csv").write_bytes(b'1,10,"aka","BELARUS FIRST",-0- \r\n')  # cut after a line break
    loaded = load_list(sdn)
    assert loaded.entities[0].aliases == ["BELARUS FIRST"]
    assert [w for w in loaded.info.warnings if "0x1A" in w] == [
        "alt.csv: no end-of-file byte (0x1A), which OFAC's own files end with: if this copy was downloaded or cut, "
        "check that it is complete (its rows are joined to the records)"]

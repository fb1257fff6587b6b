"""UN Security Council consolidated list (XML, root CONSOLIDATED_LIST)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from compliance.exc import ListLoadError
from compliance.lists.formats._common import country_code, parse_date, sha256_of
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def _text(el: ET.Element, tag: str) -> str:
    c = el.find(tag)
    return (c.text or "").strip() if c is not None and c.text else ""


def read(path: Path) -> LoadedList:
    entities: list[Entity] = []
    generated: str | None = None
    try:
        for event, el in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                if el.tag == "CONSOLIDATED_LIST":
                    generated = el.get("dateGenerated")
                continue
            if el.tag in ("INDIVIDUAL", "ENTITY"):
                entities.append(_entity(el))
                el.clear()
    except ET.ParseError as e:
        raise ListLoadError(f"{path}: not valid UN XML: {e}") from None
    if generated is None and not entities:
        raise ListLoadError(f"{path}: no CONSOLIDATED_LIST root: not a UN consolidated list")
    date = parse_date(generated)
    info = ListInfo(name="un", format="un-xml", version=generated, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path))
    return LoadedList(info=info, entities=entities)


def _entity(el: ET.Element) -> Entity:
    person = el.tag == "INDIVIDUAL"
    name = " ".join(p for p in (_text(el, t) for t in _NAME_PARTS) if p)
    aliases = []
    for alias in el.iter("INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"):
        a = _text(alias, "ALIAS_NAME")
        if a and a != name:
            aliases.append(a)
    for orig in el.iter("NAME_ORIGINAL_SCRIPT"):
        if orig.text and orig.text.strip():
            aliases.append(orig.text.strip())
    countries: list[str] = []
    for tag in ("NATIONALITY", "INDIVIDUAL_ADDRESS", "ENTITY_ADDRESS"):
        for node in el.iter(tag):
            for v in list(node.iter("VALUE")) + list(node.iter("COUNTRY")):
                if v.text and (code := country_code(v.text)) and code not in countries:
                    countries.append(code)
    ref = _text(el, "REFERENCE_NUMBER") or _text(el, "DATAID")
    program = _text(el, "UN_LIST_TYPE")
    listing = Listing(regime="UN", program=program or None, legal_basis=f"UN Security Council {program} sanctions list",
                      listed_on=parse_date(_text(el, "LISTED_ON")), source=f"UN {ref}")
    return Entity(id=f"un:{ref}", list_name="un", kind="person" if person else "organization", name=name,
                  aliases=aliases, countries=countries, listings=[listing],
                  remarks=_text(el, "COMMENTS1") or None, raw={"DATAID": _text(el, "DATAID"), "ref": ref})

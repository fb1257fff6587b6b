"""UN Security Council consolidated list (XML, root CONSOLIDATED_LIST; any namespace)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from compliance.lists.formats._common import (
    ROOT,
    child_text,
    country_code,
    dedupe,
    iter_xml,
    local,
    parse_date,
    partial_date,
    sha256_of,
    xml_error,
)
from compliance.lists.model import Entity, ListInfo, Listing, LoadedList

_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")


def _kids(el: ET.Element, tag: str) -> list[ET.Element]:
    return [c for c in el.iter() if local(c.tag) == tag]


def read(path: Path) -> LoadedList:
    entities: list[Entity] = []
    generated: str | None = None
    last: str | None = None
    try:
        for tag, el in iter_xml(path, lambda t: t == "CONSOLIDATED_LIST",
                                "<CONSOLIDATED_LIST>: not a UN consolidated list"):
            if tag == ROOT:
                generated = el.get("dateGenerated")
            elif tag in ("INDIVIDUAL", "ENTITY"):
                entities.append(_entity(el))
                last = f"{tag} {entities[-1].id}"
                el.clear()
    except ET.ParseError as e:
        raise xml_error(path, "UN XML", e, last) from None
    date = parse_date(generated)
    info = ListInfo(name="un", format="un-xml", version=generated, date=date, entries=len(entities),
                    sha256=sha256_of([path]), path=str(path), date_source="file" if date else None,
                    files=[str(path)])
    return LoadedList(info=info, entities=entities)


def _entity(el: ET.Element) -> Entity:
    person = local(el.tag) == "INDIVIDUAL"
    name = " ".join(p for p in (child_text(el, t) for t in _NAME_PARTS) if p)
    aliases = [child_text(a, "ALIAS_NAME") for a in _kids(el, "INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS")]
    aliases += [(o.text or "").strip() for o in _kids(el, "NAME_ORIGINAL_SCRIPT")]
    countries: list[str | None] = []
    for tag in ("NATIONALITY", "INDIVIDUAL_ADDRESS", "ENTITY_ADDRESS", "INDIVIDUAL_PLACE_OF_BIRTH"):
        for node in _kids(el, tag):
            for v in node.iter():
                if local(v.tag) in ("VALUE", "COUNTRY") and v.text:
                    countries.append(country_code(v.text))
    dobs: list[str | None] = []
    for node in _kids(el, "INDIVIDUAL_DATE_OF_BIRTH"):
        dobs.append(partial_date(child_text(node, "DATE")) or partial_date(child_text(node, "YEAR"))
                    or partial_date(child_text(node, "FROM_YEAR")))
    ref = child_text(el, "REFERENCE_NUMBER") or child_text(el, "DATAID")
    program = child_text(el, "UN_LIST_TYPE")
    listing = Listing(regime="UN", program=program or None, legal_basis=f"UN Security Council {program} sanctions list",
                      listed_on=parse_date(child_text(el, "LISTED_ON")), source=f"UN {ref}")
    docs = {f"{child_text(d, 'TYPE_OF_DOCUMENT') or 'document'}": child_text(d, "NUMBER")
            for d in _kids(el, "INDIVIDUAL_DOCUMENT") if child_text(d, "NUMBER")}
    return Entity(id=f"un:{ref}", list_name="un", kind="person" if person else "organization", name=name,
                  aliases=[a for a in dedupe(aliases) if a != name], countries=dedupe(countries),
                  birth_dates=dedupe(dobs), listings=[listing], identifiers=docs,
                  remarks=child_text(el, "COMMENTS1") or None, raw={"DATAID": child_text(el, "DATAID"), "ref": ref})

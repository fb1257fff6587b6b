"""The one ``Entity`` model every list importer produces, and the list metadata.

Importers (one per source format) map their records onto ``Entity`` and keep the raw record;
matching (``compliance.names``) and screening only ever see ``Entity``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field


class Listing(BaseModel):
    """One listing of an entity under one regime (the legal fact a party match rests on)."""

    regime: str = Field(description="EU, US, UK, UN, CA, CH, ...", examples=["EU"])
    program: str | None = Field(None, examples=["BELARUS-EO14038", "Reg. (EC) No 765/2006 Annex I"])
    # asset_freeze: a blocking listing (EU Annex I, OFAC SDN, UK asset freeze, UN).
    # sectoral: a narrower measure (EU SWIFT ban, debt/equity restrictions, OFAC non-SDN lists).
    measure: str = "asset_freeze"
    legal_basis: str | None = None
    listed_on: dt.date | None = None
    delisted_on: dt.date | None = None
    # "confirmed" or "unverified" (the reference marks the listing unverified): an unverified
    # listing never blocks on its own.
    confidence: str = "confirmed"
    # A general licence that authorises dealings (e.g. OFAC Belarus GL 13) caps the match at REVIEW.
    general_licence: str | None = None
    # The licence's start: before it, the listing binds in full (None: always licensed).
    general_licence_from: dt.date | None = None
    # A wind-down licence (e.g. OFAC Belarus GL 4 after Belaruskali's designation): dealings
    # winding down earlier contracts are authorised from the listing until the day it ends (OFAC:
    # "through 12:01 a.m. on" that day, so that day is no longer licensed). REVIEW, as the EU's
    # wind-downs: the contract's date and purpose decide.
    wind_down_licence: str | None = None
    wind_down_ends: dt.date | None = None
    note: str | None = None
    source: str | None = None

    def in_force(self, on: dt.date) -> bool:
        if self.listed_on is not None and on < self.listed_on:
            return False
        return not (self.delisted_on is not None and on >= self.delisted_on)

    def licensed(self, on: dt.date) -> bool:
        """A general licence authorising dealings is in effect on that date."""
        if not self.general_licence:
            return False
        return self.general_licence_from is None or on >= self.general_licence_from

    def winding_down(self, on: dt.date) -> bool:
        """A wind-down licence is in effect on that date."""
        return bool(self.wind_down_licence) and self.wind_down_ends is not None and on < self.wind_down_ends


class Entity(BaseModel):
    """A listed person, organisation, vessel or aircraft."""

    id: str = Field(description="stable id within its list", examples=["ofac-sdn:24452"])
    list_name: str = Field(examples=["ofac-sdn", "curated-belarus", "un", "eu-fsf", "uk-fcdo"])
    kind: str = Field("unknown", description="person | organization | vessel | aircraft | unknown")
    name: str
    aliases: list[str] = Field(default_factory=list)
    countries: list[str] = Field(default_factory=list, description="ISO alpha-2")
    listings: list[Listing] = Field(default_factory=list)
    identifiers: dict[str, str] = Field(default_factory=dict)
    # Dates of birth as precise as the list gives them ("1954-08-30", "1954-08", "1954").
    birth_dates: list[str] = Field(default_factory=list)
    remarks: str | None = None
    raw: dict[str, Any] | None = Field(None, description="the source record, as read")

    @property
    def all_names(self) -> list[str]:
        seen: list[str] = []
        for n in [self.name, *self.aliases]:
            if n and n not in seen:
                seen.append(n)
        return seen


class ListInfo(BaseModel):
    """What was loaded: recorded in every result set."""

    name: str
    format: str
    version: str | None = None
    date: dt.date | None = None
    entries: int = 0
    sha256: str | None = None
    path: str | None = None
    imported_at: dt.datetime | None = None
    # Where the version/date came from: "file" (stated in it), "file name", "folder name".
    date_source: str | None = None
    # Every file read (e.g. sdn.csv with alt.csv, add.csv, sdn_comments.csv beside it).
    files: list[str] = Field(default_factory=list)
    # Records the reader kept but repaired, or skipped (each names the line or record).
    warnings: list[str] = Field(default_factory=list)


class LoadedList(BaseModel):
    info: ListInfo
    entities: list[Entity]

"""The CLEAR lane: rows proven CLEAR from the batch's caches, without building their models.

Most rows of a batch are CLEAR and their cells repeat (the same HS code spellings, countries,
party names, dates). The full path builds a ``Shipment``, a ``Context``, looks the row up in
the goods cache and the party cache and counts it against the quota rules. The lane reads the
same caches straight from the row's cells:

- each remembered field's value from the fast parser's memo of that raw text (a text not seen
  yet is read and remembered as the parser does: ``FastParser.remember``; one it refuses sends
  the row the full path, for the model's message), the per-row fields (id, amounts,
  description, document number) by the parser's own direct readers;
- the goods, route and document rules: the goods cache's key for those values seen before with
  no finding (``GoodsCache.known_clear``) — rows with an end-use document the exporter issued
  take the full path (whether it counts as the manufacturer's compares party names);
- every named party: its (name, country) with no match at all (searched here when not yet,
  as the full path would: rows with a party new to the batch stay in the lane);
- no quota rule counts the row (a CLEAR row may add to a total the next rows are judged by:
  such rows take the full path, in order);
- no warning from the reader, no hook that could add findings (the decisions hook leaves a row
  without findings as it is).

Anything else, or anything not known yet, goes the full path: the lane only answers when the
answer is the one the full path gives (tests/engine/test_clear_lane.py compares them byte for
byte). It keeps nothing of its own but the quota rules in force per date bucket.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from compliance.fastparse import _FAIL, FastParser
from compliance.hs import nomenclature_note
from compliance.io.readers import RawRow
from compliance.models import DOC_TYPES, PARTY_ROLES, ScreeningResult, Shipment, Verdict
from compliance.rules.quota import QuotaTracker
from compliance.screener import _construct_result

if TYPE_CHECKING:
    from compliance.rules.model import Rule
    from compliance.screener import GoodsCache, PartyCache, Screener, _Hits

# Fields read by the lane, in the order ``clear`` unpacks them: the per-row ones (read by the
# parser's direct readers), then the remembered ones (the parser's memos).
_DIRECT = ("shipment_id", "quantity", "value", "description", "end_use_doc_id")
_ROLES = ("exporter", "consignee", "end_user", "manufacturer")
_MEMO = ("hs_code", "date", "end_use_doc_type", "end_use_doc_issuer", "transit_countries", "unit", "currency",
         "destination_country", "consignee_country", "end_user_country", "origin_country", "exporter_country",
         "manufacturer_country", *(f"{r}_name" for r in _ROLES))


class ClearLane:
    """Proves rows CLEAR from a ``BatchEngine``'s caches (see the module docstring)."""

    def __init__(self, screener: Screener, parser: FastParser, goods: GoodsCache, parties: PartyCache,
                 tracker: QuotaTracker, *, jurisdiction: str, as_of: dt.date | None) -> None:
        self.screener = screener
        self.parser = parser
        self.goods = goods
        self.parties = parties
        self.tracker = tracker
        self.jurisdiction = jurisdiction
        self.as_of = as_of or screener.as_of
        self.served = 0  # rows the lane answered
        fields = tuple(Shipment.model_fields)
        direct = [parser.direct_reader(f) for f in _DIRECT]
        memos = [parser.memo(f) for f in _MEMO]
        # Off unless every model field has a direct reader or a memo (the parser's quick lane's test),
        # and the party roles are the four the lane reads.
        self.enabled = parser.enabled and len(fields) == len(_DIRECT) + len(_MEMO) \
            and set(_DIRECT) | set(_MEMO) == set(fields) and tuple(PARTY_ROLES) == _ROLES \
            and all(d is not None for d in direct) and all(m is not None for m in memos)
        self._direct: tuple[Callable[[str], Any], ...] = tuple(d for d in direct if d is not None)
        self._memos: tuple[dict[str, Any], ...] = tuple(m for m in memos if m is not None)
        self._fails = (_FAIL,) * len(_MEMO)
        # An empty amount cell (not a shape read directly): the model's value of it, asked once.
        self._blank_amount: dict[str, Any] = {}
        for f in ("quantity", "value"):
            try:
                self._blank_amount[f] = parser.value_of(f, "")
            except Exception:  # noqa: BLE001 - refused: such rows take the full path
                self._blank_amount[f] = _FAIL
        self._pick_direct = itemgetter(*_DIRECT)
        self._pick_memo = itemgetter(*_MEMO)
        # Per date bucket: the quota rules in force with their destination countries.
        self._quota_rules: dict[int, tuple[tuple[Rule, frozenset[str]], ...]] = {}
        self._bounds = goods.bounds()
        self._hooks_ok: tuple[int, bool] = (-1, False)

    def _no_hooks(self) -> bool:
        """No hook that could give a row without findings one: the decisions hook only changes
        party findings (checked again when the hooks change)."""
        from compliance.audit.decisions import DecisionFilter

        hooks = self.screener.finding_filters
        key = hash(tuple(id(h) for h in hooks))
        if self._hooks_ok[0] != key:
            self._hooks_ok = (key, all(type(h) is DecisionFilter for h in hooks))
        return self._hooks_ok[1]

    def ready(self) -> bool:
        """Can the lane answer rows now (checked per chunk)?"""
        return self.enabled and self._no_hooks()

    def _quota_free(self, gh: _Hits, code: str, dest: str, bucket: int, date: dt.date) -> bool | None:
        """Does no quota rule in force count a row of this code to this destination? None: not
        known yet (a rule's destinations not worked out by the tracker yet)."""
        covering = gh.quota
        if covering is None:
            rules = self._quota_rules.get(bucket)
            if rules is None:
                tracker = self.tracker
                group = self.screener.bundle.countries.high_risk
                found: list[tuple[Rule, frozenset[str]]] = []
                for rule in tracker.rules:
                    if not rule.in_force(date):  # the same rules are in force across a bucket
                        continue
                    known = tracker.known_destinations(rule, group)
                    if known is None:
                        return None
                    found.append((rule, known))
                rules = self._quota_rules[bucket] = tuple(found)
            # ``QuotaTracker.observe``'s tests (destination, goods), the goods one kept per code
            # and bucket with its hits: the tracker's own memo of it is cleared past 100k codes.
            covering = gh.quota = tuple(countries for rule, countries in rules if self.tracker.covers(rule, code))
        for countries in covering:
            if dest in countries:
                return False
        return True

    def _learn(self, cells: tuple[Any, ...]) -> list[Any] | None:
        """The remembered fields' values of ``cells``, those not seen yet read and remembered as
        the parser does; None for a cell it refuses, one not text or unhashable (the full path)."""
        try:
            values = list(map(dict.get, self._memos, cells, self._fails))
        except TypeError:
            return None
        remember = self.parser.remember
        for i, v in enumerate(values):
            if v is _FAIL:
                c = cells[i]
                if type(c) is not str or (v := remember(_MEMO[i], c)) is _FAIL:
                    return None
                values[i] = v
        return values

    def clear(self, raw: RawRow) -> ScreeningResult | None:
        """The row's CLEAR result, exactly as the full path gives it, or None (take the full path)."""
        if raw.error is not None or raw.warnings or type(raw.row_number) is not int:
            return None
        data = raw.data
        try:
            sid, quantity, value, description, doc_id = self._pick_direct(data)
            cached = self._pick_memo(data)
        except KeyError:  # a column the file lacks: the parser's defaults (the full path)
            return None
        if type(sid) is not str or type(quantity) is not str or type(value) is not str \
                or type(description) is not str or type(doc_id) is not str:
            return None
        read_id, read_quantity, read_value, read_description, read_doc_id = self._direct
        sid = read_id(sid)
        quantity = read_quantity(quantity) if quantity else self._blank_amount["quantity"]
        value = read_value(value) if value else self._blank_amount["value"]
        description = read_description(description)
        doc_id = read_doc_id(doc_id)
        if sid is _FAIL or quantity is _FAIL or value is _FAIL or description is _FAIL or doc_id is _FAIL:
            return None
        try:
            # Most rows: every cell seen before (no sentinel to look for among the values).
            values: list[Any] | tuple[Any, ...] = tuple(map(dict.__getitem__, self._memos, cached))
        except KeyError:  # a cell not seen yet
            learnt = self._learn(cached)
            if learnt is None:
                return None
            values = learnt
        except TypeError:  # an unhashable cell (JSON)
            return None
        (code, date, doc_type, issuer, route, unit, currency, dest, consignee_country, end_user_country,
         origin, exporter_country, maker_country, exporter, consignee, end_user, maker) = values
        # ``Context.document_status``, but for a document the exporter issued: whether it counts
        # as the manufacturer's compares party names (the full path).
        if doc_type == "none":
            status = "none"
        elif doc_type not in DOC_TYPES:
            return None  # an unknown document kind: the full path warns about it
        elif issuer == "manufacturer" or issuer == "authority":
            status = issuer
        elif issuer == "exporter":
            return None
        else:
            status = "other"
        date = date or self.as_of or dt.date.today()
        bucket = bisect_right(self._bounds, date)
        gh = self.goods.known_clear(code, bucket, date, self.jurisdiction, doc_type, issuer, status, description is None,
                                    doc_id is None, (value, quantity, unit, currency),
                                    (dest, consignee_country, end_user_country, origin, exporter_country,
                                     maker_country), route)
        if gh is None:
            return None
        parties = self.parties
        get = parties.get
        for key in ((exporter, exporter_country), (consignee, consignee_country), (end_user, end_user_country),
                    (maker, maker_country)):
            if key[0]:
                matches = get(key)
                if matches is None:
                    # Searched as the full path would search it (the same pair, the same cache).
                    matches = parties.search(*key)
                if matches:
                    return None
        if not gh.humanitarian and value is not None and not self._quota_free(gh, code, dest, bucket, date):
            return None
        self.served += 1
        # ``Screener.complete``'s result for a row with no findings, whose only possible warning is
        # that of a code HS 2022 does not have.
        note = nomenclature_note(code)
        return _construct_result({"row_number": raw.row_number, "shipment_id": sid, "verdict": Verdict.CLEAR,
                                  "risk_score": 0, "findings": [], "error": None,
                                  "warnings": [] if note is None else [note], "input": raw.original})

"""Row parsing for large batches: the same ``Shipment`` as ``parse_shipment``, several times faster.

``parse_shipment`` runs pydantic's validation per row: fine for one shipment, the largest cost
of a million-row batch. ``Shipment``'s fields are each validated by a ``before`` validator that
reads that field alone, so a field's validated value is a pure function of its raw value: the
fast path calls the model's own validators (taken from the model, never copied) and remembers
the result for the low-cardinality fields (countries, HS codes, dates, party names, units),
then builds the model without validating it again.

Anything unusual falls back to ``parse_shipment``: a field that fails (so the error message is
exactly the model's, naming row and fields), a missing required column, and every row when
the model's validators are not all plain ``before`` validators of one field. A self-check at
start-up compares both paths; a mismatch disables the fast path.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable
from functools import partial
from typing import Any

from compliance.models import INPUT_COLUMNS, MAX_FIELD_CHARS, REQUIRED_COLUMNS, Shipment, parse_shipment

log = logging.getLogger(__name__)

# Fields whose raw text repeats across a batch, worth remembering: all but the row's id, its
# amounts and its free text (nearly unique per row, validated each time; a memo of them would
# only hold every row's strings alive until it is cleared).
MEMO_FIELDS = frozenset(set(INPUT_COLUMNS) - {"shipment_id", "quantity", "value", "description", "end_use_doc_id"})
# Entries per remembered field before its memo is cleared (bounds memory on any file; filled
# within the first ~100k rows, so memory is flat after that).
MEMO_LIMIT = 20_000
# HS codes are written many ways (dots, spaces, 6 to 10 digits): a forwarder's year holds
# ~100k spellings, and a memo cleared every 20k would recompute most of them (~25 MB at most).
MEMO_LIMITS = {"hs_code": 200_000}

_FAIL = object()
_IMMUTABLE = (type(None), str, int, float, bool, tuple, frozenset)

# An amount written as plain digits with at most one decimal point: what nearly every row of
# an export holds, and what the model reads as ``float`` of the text. "1.234" (a thousands
# separator or a decimal point, by locale) is not plain: the model's rules decide it.
PLAIN_NUMBER = re.compile(r"[0-9]{1,20}(?:\.[0-9]{1,20})?")
AMBIGUOUS_PLAIN = re.compile(r"[1-9][0-9]{0,2}\.[0-9]{3}")
# Both tests in one (read per amount of every row): ``fullmatch`` of this is ``PLAIN_NUMBER``'s
# and not ``AMBIGUOUS_PLAIN``'s (tests/engine/test_fast_paths.py checks them against each other).
PLAIN_UNAMBIGUOUS = re.compile(r"(?![1-9][0-9]{0,2}\.[0-9]{3}\Z)[0-9]{1,20}(?:\.[0-9]{1,20})?")


def _plain_number(raw: str) -> Any:
    if PLAIN_UNAMBIGUOUS.fullmatch(raw):
        return float(raw)
    return _FAIL


def _required_text(raw: str) -> Any:
    text = raw.strip()
    return text if text else _FAIL


def _optional_text(raw: str) -> Any:
    return raw.strip() or None


# Per-row fields (no memo: nearly every row has its own) read directly from text for the
# common shapes; anything else, and anything the self-check finds read differently, goes
# through the model's validators. ``_FAIL``: not a shape read directly.
DIRECT: dict[str, Callable[[str], Any]] = {
    "shipment_id": _required_text, "description": _optional_text, "end_use_doc_id": _optional_text,
    "quantity": _plain_number, "value": _plain_number,
}
_DIRECT_SAMPLES = ("0", "7", "0012", "1510.8", "2487.15", "1.234", "12.345", "999.5", "1234.5678", "00.5", " 12 ",
                   "", "  ", "FW-00000001", " S 1 ", "Order 12, \"red\"", "ОАО «Нафтан»", "1e5", "-3")


class _TooLong(Exception):
    """A value over its ``MAX_FIELD_CHARS`` cap: ``parse_shipment`` gives the row's message."""


def _check_length(field: str, raw: Any) -> None:
    # The same measure as ``models._too_long``, one field at a time.
    size = len(raw) if isinstance(raw, str) else sum(len(str(x)) for x in raw) if isinstance(raw, list) else 0
    if size > MAX_FIELD_CHARS[field]:
        raise _TooLong(field)
_setattr = object.__setattr__
_new = object.__new__


class _Info:
    """What a two-argument validator reads from pydantic's ``ValidationInfo``."""

    __slots__ = ("field_name", "data", "context", "config", "mode")

    def __init__(self, field_name: str) -> None:
        self.field_name = field_name
        self.data: dict[str, Any] = {}
        self.context = None
        self.config = None
        self.mode = "python"


def _call_with_info(func: Callable[[Any, Any], Any], info: _Info, value: Any) -> Any:
    return func(value, info)


def _field_validators() -> dict[str, list[Callable[[Any], Any]]] | None:
    """Each field's validators as one-argument callables, or None when the model has validators
    the fast path cannot reproduce (model validators, after/wrap validators)."""
    decorators = Shipment.__pydantic_decorators__
    if decorators.model_validators or decorators.validators or decorators.root_validators:
        return None
    out: dict[str, list[Callable[[Any], Any]]] = {name: [] for name in Shipment.model_fields}
    for dec in decorators.field_validators.values():
        if dec.info.mode != "before":
            return None
        func = dec.func
        takes_info = len(inspect.signature(func).parameters) >= 2
        for field in dec.info.fields:
            if field not in out:
                return None
            if takes_info:
                out[field].append(partial(_call_with_info, func, _Info(field)))
            else:
                out[field].append(func)
    return out


def _strip(value: Any) -> Any:
    # The model's str_strip_whitespace, applied after the validators as pydantic does.
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list):
        return [x.strip() if isinstance(x, str) else x for x in value]
    return value


class FastParser:
    """Parses raw rows (contract-named dicts) into ``Shipment``s; see the module docstring."""

    def __init__(self) -> None:
        validators = _field_validators()
        self.enabled = validators is not None and self._constructible()
        self._validators = validators or {}
        self._inputs = frozenset(INPUT_COLUMNS) & frozenset(self._validators)
        self._strip = bool(Shipment.model_config.get("str_strip_whitespace"))
        self._memo: dict[str, dict[str, Any]] = {f: {} for f in MEMO_FIELDS}
        # Defaults that are immutable values are shared; others (factories, lists) made per row.
        self._constant_defaults: dict[str, Any] = {}
        self._made_defaults: list[tuple[str, Callable[[], Any]]] = []
        for name, info in Shipment.model_fields.items():
            default = partial(info.get_default, call_default_factory=True)
            self._constant_defaults[name] = None
            if info.default_factory is None and type(info.default) in _IMMUTABLE:
                self._constant_defaults[name] = info.default
            else:
                self._made_defaults.append((name, default))
        self.fallbacks = 0
        self._direct = {f: d for f, d in DIRECT.items()
                        if f in self._inputs and f not in MAX_FIELD_CHARS and self._agrees(f, d)}
        # Per contract column: its direct reader, its memo, whether its length is capped, the memo's size.
        self._plan: dict[str, tuple[Callable[[str], Any] | None, dict[str, Any] | None, bool, int]] = {
            f: (self._direct.get(f), self._memo.get(f), f in MAX_FIELD_CHARS, MEMO_LIMITS.get(f, MEMO_LIMIT))
            for f in self._inputs}
        # The quick lane (``_quick``): rows whose every contract column is present as text and
        # whose remembered fields were all seen before (nearly every row of a batch after its
        # first few thousand) are read by one comprehension in the model's field order — the
        # Shipment's dict as it is, no per-field branching, no defaults to merge. Per field: its
        # direct reader, else its memo. Off when a model field is not a contract column or a
        # column has neither (a direct reader the self-check turned off).
        no_memo: dict[str, Any] = {}
        self._quick_plan = tuple((f, self._memo.get(f, no_memo), self._direct.get(f)) for f in Shipment.model_fields)
        self._quick_direct = tuple(self._direct)
        self._quick_fields = frozenset(Shipment.model_fields)
        self._quick_on = self._quick_fields <= self._inputs and all(
            d is not None or m is not no_memo for _, m, d in self._quick_plan)
        self._listy: set[str] = set()  # memo fields holding lists (copied per row on the way out)
        if self.enabled and not self._self_check():
            log.warning("fast row parsing disabled: it disagrees with the Shipment model")
            self.enabled = False

    @staticmethod
    def _constructible() -> bool:
        required = {n for n, f in Shipment.model_fields.items() if f.is_required()}
        return required <= set(REQUIRED_COLUMNS)

    def _self_check(self) -> bool:
        samples: list[dict[str, Any]] = [
            {"shipment_id": " S1 ", "hs_code": "8542.31", "destination_country": "Belarus", "transit_countries": "PL; BY",
             "value": "1 234,50", "quantity": 3.0, "date": "01.07.2024", "end_use_doc_type": "EUC",
             "end_use_doc_issuer": " Manufacturer ", "exporter_name": " ОАО «Нафтан» ", "unit": " pcs "},
            {"shipment_id": 7.0, "hs_code": 31042010, "destination_country": "pl", "description": "", "currency": "eur"},
        ]
        for row in samples:
            try:
                fast, slow = self._parse(row), parse_shipment(row)
                if fast != slow or fast.model_fields_set != slow.model_fields_set \
                        or fast.model_dump() != slow.model_dump():
                    return False
            except Exception:  # noqa: BLE001 - any disagreement turns the fast path off
                return False
        return True

    def _agrees(self, field: str, direct: Callable[[str], Any]) -> bool:
        """Does ``direct`` read the samples as the model's validators do (where it reads them)?"""
        for raw in _DIRECT_SAMPLES:
            value = direct(raw)
            if value is _FAIL:
                continue
            try:
                expected = self._value(field, raw)
            except Exception:  # noqa: BLE001 - the model refuses what the direct path accepts
                log.warning("fast reading of %s disabled: it disagrees with the Shipment model", field)
                return False
            if type(expected) is not type(value) or expected != value:
                log.warning("fast reading of %s disabled: it disagrees with the Shipment model", field)
                return False
        return True

    def _value(self, field: str, raw: Any) -> Any:
        for validate in self._validators[field]:
            raw = validate(raw)
        return _strip(raw) if self._strip else raw

    def _quick(self, row: dict[str, Any]) -> Shipment | None:
        """``_parse``'s Shipment for a row it would read from memos and direct readers alone, or
        None (the row takes ``_parse``'s loop, which gives the same values or the error)."""
        try:
            # Cells that are not text are left out (the length test below sends the row to the
            # loop); text not seen yet, or a column the row lacks: KeyError.
            values = {f: d(raw) if d is not None else m[raw]
                      for f, m, d in self._quick_plan if type(raw := row[f]) is str}
        except KeyError:
            return None
        if len(values) != len(self._quick_plan):
            return None
        for f in self._quick_direct:
            if values[f] is _FAIL:  # not a shape read directly
                return None
        for f in self._listy:  # each Shipment owns its own lists
            if type(v := values[f]) is list:
                values[f] = list(v)
        shipment = _new(Shipment)
        _setattr(shipment, "__dict__", values)
        _setattr(shipment, "__pydantic_fields_set__", set(self._quick_fields))
        _setattr(shipment, "__pydantic_extra__", None)
        _setattr(shipment, "__pydantic_private__", None)
        return shipment

    def _parse(self, row: dict[str, Any]) -> Shipment:
        quick = self._quick(row) if self._quick_on else None
        if quick is not None:
            return quick
        values: dict[str, Any] = {}
        plan = self._plan
        for field, raw in row.items():
            how = plan.get(field)
            if how is None:
                continue  # not a contract column (parse_shipment ignores it too)
            direct, memo, capped, limit = how
            if type(raw) is str:
                if direct is not None and (value := direct(raw)) is not _FAIL:
                    values[field] = value  # not a capped field (see DIRECT)
                    continue
                if memo is not None:
                    value = memo.get(raw, _FAIL)
                    if value is _FAIL:
                        value = self._learn(field, raw, memo, capped, limit)
                    # Lists are copied on the way out: each Shipment owns its own.
                    values[field] = list(value) if type(value) is list else value
                    continue
            if capped:
                _check_length(field, raw)
            values[field] = self._value(field, raw)
        for field in REQUIRED_COLUMNS:
            if field not in values:
                raise KeyError(field)
        return self._construct(values)

    def _construct(self, given: dict[str, Any]) -> Shipment:
        # What ``model_construct`` does, without its per-call overhead: defaults for absent
        # fields (defaults are not validated), the set of given fields, no extra or private state.
        # The fields in the model's order: the defaults' dict, updated in place by the given.
        values = self._constant_defaults.copy()
        values.update(given)
        for name, default in self._made_defaults:
            if name not in given:
                values[name] = default()
        shipment = _new(Shipment)
        _setattr(shipment, "__dict__", values)
        _setattr(shipment, "__pydantic_fields_set__", set(given))
        _setattr(shipment, "__pydantic_extra__", None)
        _setattr(shipment, "__pydantic_private__", None)
        return shipment

    def direct_reader(self, field: str) -> Callable[[str], Any] | None:
        """The reader of ``field``'s text read directly (``_FAIL``: not a shape it reads), if any."""
        return self._direct.get(field)

    def value_of(self, field: str, raw: Any) -> Any:
        """``field``'s validated value of ``raw`` (the model's validators; raises as they do)."""
        return self._value(field, raw)

    def remember(self, field: str, raw: str) -> Any:
        """``field``'s value of the text ``raw`` as ``_parse`` reads a remembered field it has not
        seen yet — checked, validated and remembered — or ``_FAIL`` where ``_parse`` would raise
        (the row's message is then the model's: the caller takes the full path)."""
        _, _, capped, limit = self._plan[field]
        try:
            return self._learn(field, raw, self._memo[field], capped, limit)
        except Exception:  # noqa: BLE001 - as _parse: the model gives the row's message
            return _FAIL

    def _learn(self, field: str, raw: str, memo: dict[str, Any], capped: bool, limit: int) -> Any:
        """``field``'s value of a text its memo has not seen: checked, validated (raising as the
        model does) and remembered. A memoised value passed the length check when first seen."""
        if capped:
            _check_length(field, raw)
        value = self._value(field, raw)
        if len(memo) >= limit:
            memo.clear()
        memo[raw] = value
        if type(value) is list:
            self._listy.add(field)
        return value

    def memo(self, field: str) -> dict[str, Any] | None:
        """``field``'s memo: raw text -> validated value, of texts seen (cleared, never replaced)."""
        return self._memo.get(field)

    def parse(self, row: dict[str, Any], row_number: int | None = None) -> Shipment:
        """Like ``parse_shipment``: a ``Shipment``, or ``InvalidInput`` naming row and fields."""
        if self.enabled:  # over-long values (``_TooLong``) and failures: the model's ERROR message
            try:
                return self._parse(row)
            except _TooLong:
                pass
            except Exception:  # noqa: BLE001 - the model gives the exact message
                self.fallbacks += 1
        return parse_shipment(row, row_number)

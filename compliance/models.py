"""Pydantic models: shipments in, findings and results out.

No I/O and no scoring here: these are the vocabulary every other module speaks.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from compliance.countries import UnknownCountry, resolve_country, split_countries
from compliance.exc import InvalidInput, quoted
from compliance.hs import InvalidHSCode, nomenclature_note, normalise_hs


class Verdict(str, Enum):
    BLOCK = "BLOCK"
    REVIEW = "REVIEW"
    CLEAR = "CLEAR"
    ERROR = "ERROR"


class Severity(str, Enum):
    block = "block"
    review = "review"
    info = "info"

    @property
    def rank(self) -> int:
        return {"block": 2, "review": 1, "info": 0}[self.value]


class Family(str, Enum):
    sector = "sector"
    dual_use = "dual_use"
    chpl = "chpl"
    transit = "transit"
    party = "party"
    end_use_doc = "end_use_doc"
    circumvention = "circumvention"
    humanitarian = "humanitarian"


# The contract's input columns, in contract order.
INPUT_COLUMNS: tuple[str, ...] = (
    "shipment_id", "hs_code", "destination_country", "description", "origin_country",
    "transit_countries", "exporter_name", "exporter_country", "consignee_name", "consignee_country",
    "end_user_name", "end_user_country", "manufacturer_name", "manufacturer_country",
    "end_use_doc_type", "end_use_doc_issuer", "end_use_doc_id", "quantity", "unit", "value",
    "currency", "date",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("shipment_id", "hs_code", "destination_country")
PARTY_ROLES: tuple[str, ...] = ("exporter", "consignee", "end_user", "manufacturer")

DOC_TYPES = ("end_user_certificate", "end_use_statement", "import_certificate", "delivery_verification")
_DOC_TYPE_ALIASES = {
    "euc": "end_user_certificate", "end_user_cert": "end_user_certificate",
    "eus": "end_use_statement", "end_user_statement": "end_use_statement",
    "end_user_undertaking": "end_use_statement",
    "iic": "import_certificate", "international_import_certificate": "import_certificate",
    "dvc": "delivery_verification", "delivery_verification_certificate": "delivery_verification",
    "": "none", "no": "none", "n/a": "none", "na": "none", "-": "none", "nil": "none",
}


def _blank(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, float) and v != v:  # NaN from pandas
        return True
    return isinstance(v, str) and v.strip() == ""


def _token(v: str) -> str:
    return re.sub(r"[\s\-]+", "_", v.strip().lower())


# A currency written into the amount: "€ 1.234,56", "1234 EUR", "USD 100", "1 234,56 zł", "R$ 1.234,56",
# "US$1,234.56", "1 234 руб.", "Br 500". Three-letter codes come before the two-letter signs so that
# "BRL 100" is BRL, not "Br" and "L 100". Matched case-blind; looked up casefolded, trailing dot dropped.
_SIGN = r"US\$|R\$|[€$£¥₽₸]|[A-Za-z]{3}|(?:бел|рос)\.?\s?руб\.?|руб\.?|грн\.?|р\.?|zł|kč|ft|kr|br"
_CURRENCY = re.compile(rf"^(?:({_SIGN})\s*)?(.*?)(?:\s*({_SIGN}))?$", re.IGNORECASE)
# Signs to ISO 4217 codes. "kr" is the krona/krone of Sweden, Norway, Denmark and Iceland, and "руб."
# / "р." the rouble of Belarus (BYN, as Belarusian invoices write it) or of Russia (RUB), about 30x
# apart: no one code, so the amount is read and the currency is left to the currency column
# (AMBIGUOUS_SIGNS). "бел. руб." and "рос. руб." say which rouble.
_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₽": "RUB", "₸": "KZT", "us$": "USD", "r$": "BRL",
            "белруб": "BYN", "росруб": "RUB", "грн": "UAH", "br": "BYN", "zł": "PLN", "kč": "CZK",
            "ft": "HUF"}
AMBIGUOUS_SIGNS: dict[str, tuple[str, ...]] = {"kr": ("SEK", "NOK", "DKK", "ISK"), "руб": ("BYN", "RUB"),
                                               "р": ("BYN", "RUB")}
_GROUPING = str.maketrans("", "", " \u00a0\u202f\u2009'’_")
_AMBIGUOUS = re.compile(r"[+-]?[1-9]\d{0,2}[.,]\d{3}")


def _sign(value: str) -> tuple[str, str | None]:
    """The number text and the sign written with it, casefolded without a trailing dot ("руб." -> "руб";
    "бел. руб." -> "белруб")."""
    m = _CURRENCY.match(value)
    if m is None or not m.group(2):
        return value, None
    cur = m.group(1) or m.group(3)
    if cur is None or (m.group(1) and m.group(3)):
        return value, None
    sign = cur.casefold().rstrip(".")
    if sign.endswith("руб") and len(sign) > 3:
        sign = sign.replace(".", "").replace(" ", "")  # "бел. руб" -> "белруб"
    return m.group(2).strip(), sign


def split_amount(value: str) -> tuple[str, str | None]:
    """``"€ 1.234,56"`` -> ``("1.234,56", "EUR")``: the number text and the currency written with it.
    An ambiguous sign (``"100 kr"``) gives the number and None: the currency column must say which."""
    value = value.strip()
    if value[:1].isdigit() and value[-1:].isdigit():
        return value, None  # a plain amount: a sign is never a digit (the per-row fast path)
    text, sign = _sign(value)
    if sign is None:
        return text, None
    if sign in AMBIGUOUS_SIGNS:
        return text, None
    return text, _SYMBOLS.get(sign, sign.upper())


def amount_currency_note(value: Any, currency: Any) -> str | None:
    """The warning for an amount written with an ambiguous sign (``"100 kr"``) whose currency column
    does not say which currency it is; None otherwise (a plain amount, a clear sign, or a column
    naming one of the sign's currencies)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if value[:1].isdigit() and value[-1:].isdigit():
        return None
    text, sign = _sign(value)
    if sign is None or sign not in AMBIGUOUS_SIGNS:
        return None
    have = currency.strip().upper() if isinstance(currency, str) else ""
    choices = AMBIGUOUS_SIGNS[sign]
    if have in choices:
        return None
    if have:  # as readers say for "€ 100" with USD: the column is used
        return (f"value {quoted(value)} says '{sign}' ({' or '.join(choices)}) but currency says {have}: "
                f"using {have}; fix one of them")
    return (f"value {quoted(value)}: '{sign}' may be {', '.join(choices)} and the currency column is empty: the "
            f"amount {text} is read without a currency; write one of {', '.join(choices)} in the currency column")


def ambiguous_number(value: Any) -> bool:
    """``1.234`` and ``1,234``: one separator and three digits after it: a thousands separator or a
    decimal point, depending on the writer's locale."""
    return isinstance(value, str) and _AMBIGUOUS.fullmatch(split_amount(value)[0].translate(_GROUPING)) is not None


def parse_number(value: Any, field: str, decimal: str | None = None) -> float | None:
    """Parse an amount; None when blank.

    Accepted: ``1234.5``, ``1 234,5``, ``1,234.50``, ``1.234,50``, ``1'234.50``, ``1.234.567``, with a
    currency symbol or ISO code before or after (``€ 1.234,56``, ``1234 EUR``). With both ``.`` and
    ``,`` the later one is the decimal separator; a repeated separator groups thousands. The one
    ambiguous form, one separator followed by exactly three digits (``1.234``, ``1,234``), is read
    with ``decimal`` as the decimal separator; by default (``None``) the English way: ``1,234`` is
    1234 and ``1.234`` is 1.234. ``(100)`` (accounting negative) and ``-100`` are refused.
    """
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError(f"{field} {quoted(value)} is not a number")
    if isinstance(value, (int, float)):
        number = float(value)
    else:
        raw = str(value).strip()
        text, _currency = split_amount(raw)
        text = text.translate(_GROUPING)
        negative = text.startswith("(") and text.endswith(")")
        text = text.strip("()")
        if _AMBIGUOUS.fullmatch(text):
            sep = "." if "." in text else ","
            text = text.replace(sep, "." if sep == (decimal or ".") else "")
        elif "," in text and "." in text:
            if text.rfind(",") > text.rfind("."):
                text = text.replace(".", "").replace(",", ".")
            else:
                text = text.replace(",", "")
        elif text.count(",") > 1 or text.count(".") > 1:
            sep = "," if "," in text else "."
            head, *groups = text.split(sep)
            if not all(len(g) == 3 for g in groups):
                raise ValueError(f"{field} {quoted(value)} is not a number: write digits with one decimal separator, "
                                 "e.g. 1234.50") from None
            text = "".join([head, *groups])
        else:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"{field} {quoted(value)} is not a number: write digits, e.g. 1250.00 "
                             "(a currency goes in the currency column)") from None
        if negative:
            number = -number
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(f"{field} {quoted(value)} is not a finite number: write digits, e.g. 1250.00")
    if number < 0:
        raise ValueError(f"{field} {quoted(value)} is negative: amounts must be 0 or more (write the amount "
                         "without a sign; returns and credit notes are not shipments)")
    return number


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})")
_YEAR_FIRST = re.compile(r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})(?:[T ].*)?")
_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# ISO 8601 ordinal (2024-061, 2024061: the 61st day) and week dates (2024-W10-5, 2024W105: Friday
# of ISO week 10), with an optional time as _YEAR_FIRST allows.
_ORDINAL = re.compile(r"(\d{4})-?(\d{3})(?:[T ].*)?")
_WEEK = re.compile(r"(\d{4})-?[Ww](\d{2})(?:-?(\d))?(?:[T ].*)?")
_TEXT_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%d-%b-%Y", "%d %b. %Y")
MIN_YEAR, MAX_YEAR = 1990, 2100


def _make_date(value: Any, year: int, month: int, day: int) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"date {quoted(value)}: the year {year} looks like a typo (rules are dated "
                         f"{MIN_YEAR}-{MAX_YEAR}); use ISO 8601, e.g. 2024-07-01")
    if not 1 <= month <= 12:
        raise ValueError(f"date {quoted(value)} is not a valid date: there is no month {month}; use ISO 8601 "
                         "(year-month-day), e.g. 2024-07-01")
    try:
        return dt.date(year, month, day)
    except ValueError:
        last = ((dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)).day
        raise ValueError(f"date {quoted(value)} is not a valid date: {_MONTHS[month - 1]} {year} has {last} days; "
                         "use ISO 8601, e.g. 2024-07-01") from None


def _ordinal_date(value: Any, year: int, day: int) -> dt.date:
    _make_date(value, year, 1, 1)  # the year's range check
    days = 366 if dt.date(year, 12, 31).timetuple().tm_yday == 366 else 365
    if not 1 <= day <= days:
        raise ValueError(f"date {quoted(value)} is not a valid date: an ISO 8601 ordinal date counts the days "
                         f"of the year, and {year} has {days}; e.g. {year}-061 is "
                         f"{(dt.date(year, 1, 1) + dt.timedelta(days=60)).isoformat()}")
    return dt.date(year, 1, 1) + dt.timedelta(days=day - 1)


def _week_date(value: Any, year: int, week: int, weekday: str | None) -> dt.date:
    _make_date(value, year, 1, 1)  # the year's range check
    weeks = dt.date(year, 12, 28).isocalendar().week  # 28 December is always in the year's last week
    if weekday is None and 1 <= week <= weeks:
        # A week is seven days: which of them decides the rules in force cannot be guessed.
        monday = dt.date.fromisocalendar(year, week, 1).isoformat()
        raise ValueError(f"date {quoted(value)} names a week, not a day: add the weekday (1 = Monday ... "
                         f"7 = Sunday), e.g. {year}-W{week:02d}-1 for Monday {monday}")
    if weekday is None or not 1 <= week <= weeks or not 1 <= int(weekday) <= 7:
        raise ValueError(f"date {quoted(value)} is not a valid date: an ISO 8601 week date is year-Wweek-day, "
                         f"{year} has weeks 1-{weeks} and days 1 (Monday) to 7 (Sunday); e.g. {year}-W10-5")
    return dt.date.fromisocalendar(year, week, int(weekday))


def parse_date(value: Any) -> dt.date | None:
    """ISO 8601 (2024-07-01, 20240701, 2024-07-01T10:00; ordinal 2024-061 and week dates
    2024-W10-5 too), 2024/07/01, European 01.07.2024 or 01-07-2024, 01/07/2024 when the day is
    over 12 (else ambiguous with the US order, refused), "1 July 2024"; None when blank. Years
    outside 1990-2100 are refused as typos; a week without its day (2024-W10) is refused."""
    if _blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if m := _YEAR_FIRST.fullmatch(text):
        return _make_date(value, int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if re.fullmatch(r"\d{8}", text):
        return _make_date(value, int(text[:4]), int(text[4:6]), int(text[6:]))
    if m := _ORDINAL.fullmatch(text):
        return _ordinal_date(value, int(m.group(1)), int(m.group(2)))
    if m := _WEEK.fullmatch(text):
        return _week_date(value, int(m.group(1)), int(m.group(2)), m.group(3))
    if m := _SLASHED.fullmatch(text):
        a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if a > 12 >= b:
            return _make_date(value, year, b, a)
        if b > 12 >= a:
            return _make_date(value, year, a, b)
        if a != b:
            raise ValueError(f"date {quoted(value)} is ambiguous: day/month or month/day? Use ISO 8601, e.g. "
                             f"{year}-{b:02d}-{a:02d} for {a} {_MONTHS[b - 1]}" if b <= 12 else
                             f"date {quoted(value)} is not a valid date: use ISO 8601, e.g. 2024-07-01")
        return _make_date(value, year, a, a)
    if m := _DAY_FIRST.fullmatch(text):
        return _make_date(value, int(m.group(3)), int(m.group(2)), int(m.group(1)))
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    for fmt in _TEXT_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        raise ValueError(f"date {quoted(value)} looks like an Excel day number: format the column as a date, or "
                         "write ISO 8601, e.g. 2024-07-01")
    raise ValueError(f"date {quoted(value)} is not a valid date: use ISO 8601, e.g. 2024-07-01")


class Party(BaseModel):
    """A named party of a shipment, in one of the contract's roles."""

    model_config = ConfigDict(frozen=True)

    role: str
    name: str
    country: str | None = None


class Shipment(BaseModel):
    """One shipment row, validated and normalised.

    HS codes become digits; countries become ISO alpha-2; the transit list becomes a list.
    """

    model_config = ConfigDict(str_strip_whitespace=True)

    shipment_id: str
    hs_code: str
    destination_country: str
    description: str | None = None
    origin_country: str | None = None
    transit_countries: list[str] = Field(default_factory=list)
    exporter_name: str | None = None
    exporter_country: str | None = None
    consignee_name: str | None = None
    consignee_country: str | None = None
    end_user_name: str | None = None
    end_user_country: str | None = None
    manufacturer_name: str | None = None
    manufacturer_country: str | None = None
    end_use_doc_type: str = "none"
    end_use_doc_issuer: str | None = None
    end_use_doc_id: str | None = None
    quantity: float | None = None
    unit: str | None = None
    value: float | None = None
    currency: str | None = None
    date: dt.date | None = None

    @field_validator("shipment_id", mode="before")
    @classmethod
    def _id(cls, v: Any) -> str:
        if _blank(v):
            raise ValueError("shipment_id is missing: every row needs its id")
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()

    @field_validator("hs_code", mode="before")
    @classmethod
    def _hs(cls, v: Any) -> str:
        try:
            return normalise_hs(None if _blank(v) else v)
        except InvalidHSCode as e:
            raise ValueError(str(e)) from None

    @field_validator("destination_country", mode="before")
    @classmethod
    def _dest(cls, v: Any) -> str:
        if _blank(v):
            raise ValueError("destination_country is missing: give an ISO code or name (e.g. BY, Belarus)")
        try:
            return resolve_country(str(v))
        except UnknownCountry as e:
            raise ValueError(str(e)) from None

    @field_validator("origin_country", "exporter_country", "consignee_country", "end_user_country",
                     "manufacturer_country", mode="before")
    @classmethod
    def _country(cls, v: Any) -> str | None:
        if _blank(v):
            return None
        try:
            return resolve_country(str(v))
        except UnknownCountry as e:
            raise ValueError(str(e)) from None

    @field_validator("transit_countries", mode="before")
    @classmethod
    def _transit(cls, v: Any) -> list[str]:
        if _blank(v):
            return []
        items = v if isinstance(v, list) else split_countries(str(v))
        out: list[str] = []
        for item in items:
            if _blank(item):
                continue
            try:
                out.append(resolve_country(str(item)))
            except UnknownCountry as e:
                raise ValueError(str(e)) from None
        return out

    @field_validator("description", "exporter_name", "consignee_name", "end_user_name",
                     "manufacturer_name", "end_use_doc_id", "unit", "currency", mode="before")
    @classmethod
    def _text(cls, v: Any) -> str | None:
        if _blank(v):
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v).strip()

    @field_validator("end_use_doc_type", mode="before")
    @classmethod
    def _doc_type(cls, v: Any) -> str:
        if _blank(v):
            return "none"
        t = _token(str(v))
        return _DOC_TYPE_ALIASES.get(t, t)

    @field_validator("end_use_doc_issuer", mode="before")
    @classmethod
    def _issuer(cls, v: Any) -> str | None:
        return None if _blank(v) else _token(str(v))

    @field_validator("quantity", "value", mode="before")
    @classmethod
    def _number(cls, v: Any, info: Any) -> float | None:
        return parse_number(v, info.field_name)

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: Any) -> dt.date | None:
        return parse_date(v)

    @property
    def parties(self) -> list[Party]:
        out = []
        for role in PARTY_ROLES:
            name = getattr(self, f"{role}_name")
            if name:
                out.append(Party(role=role, name=name, country=getattr(self, f"{role}_country")))
        return out

    @property
    def has_end_use_doc(self) -> bool:
        return self.end_use_doc_type != "none"

    @property
    def hs_code_warning(self) -> str | None:
        """The row's warning for an ``hs_code`` HS 2022 does not have (``hs.nomenclature_note``)."""
        return nomenclature_note(self.hs_code)

    @property
    def end_use_doc_warning(self) -> str | None:
        """The row's warning for an ``end_use_doc_type`` the contract does not know ('passport',
        'invoice'), naming the field and the accepted values; None for a known kind or none.
        Such a document is screened as one that vouches for nothing (``Context.document_status``
        'other': REVIEW where the goods need the manufacturer's document), so the sender should
        name the kind."""
        if self.end_use_doc_type == "none" or self.end_use_doc_type in DOC_TYPES:
            return None
        return (f"end_use_doc_type {quoted(self.end_use_doc_type)} is not a known document kind, so it is not "
                f"accepted as an end-use document: use one of {', '.join(DOC_TYPES)} or none (blank = none)")


# Longest value screened per field. Countries and party names go through fuzzy matching whose
# cost grows with length (a 1 MB name costs seconds and gigabytes); the longest real country
# name is ~60 characters and listed names stay under ~300, so longer values are a paste error
# or an attack: an ERROR row naming the field, never a stalled worker. Other fields are free.
_COUNTRY_FIELDS = ("destination_country", "origin_country", "exporter_country", "consignee_country",
                   "end_user_country", "manufacturer_country")
MAX_FIELD_CHARS: dict[str, int] = {
    **dict.fromkeys(_COUNTRY_FIELDS, 120), "transit_countries": 2000, "hs_code": 100,
    **{f"{role}_name": 1000 for role in PARTY_ROLES},
}


def _too_long(data: dict[str, Any]) -> list[tuple[str, str]]:
    out = []
    for k, limit in MAX_FIELD_CHARS.items():
        v = data.get(k)
        size = len(v) if isinstance(v, str) else sum(len(str(x)) for x in v) if isinstance(v, list) else 0
        if size > limit:
            out.append((k, f"{k} is {size} characters long: at most {limit} are screened; send the value alone"))
    return out


def parse_shipment(row: dict[str, Any], row_number: int | None = None) -> Shipment:
    """Validate a raw row into a ``Shipment`` or raise ``InvalidInput`` naming row and fields."""
    data = {k: row.get(k) for k in INPUT_COLUMNS if k in row}
    where = f"row {row_number}: " if row_number is not None else ""
    if long := _too_long(data):
        raise InvalidInput(where + "; ".join(m for _, m in long), row=row_number, field=",".join(f for f, _ in long))
    try:
        return Shipment.model_validate(data)
    except ValidationError as e:
        parts = []
        fields = []
        for err in e.errors():
            field = str(err["loc"][0]) if err["loc"] else "row"
            msg = str(err["msg"]).removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = f"{field} is missing: the column is required"
            elif not msg.startswith(field) and field not in msg:
                msg = f"{field}: {msg}"
            fields.append(field)
            parts.append(msg)
        raise InvalidInput(where + "; ".join(parts), row=row_number, field=",".join(fields)) from None


class Finding(BaseModel):
    """One reason a rule fired, with its legal basis and the evidence."""

    rule_id: str
    family: Family
    severity: Severity
    regime: str
    legal_basis: str
    message: str
    evidence: dict[str, Any] = Field(default_factory=dict)
    confidence: str | None = None
    source: str | None = None
    # Party matches only.
    matched_name: str | None = None
    list_entry_id: str | None = None
    list_name: str | None = None
    score: float | None = None
    explanation: str | None = None


class ScreeningResult(BaseModel):
    """The screening of one input row."""

    row_number: int | None = None
    shipment_id: str | None = None
    verdict: Verdict
    risk_score: int | None = None
    findings: list[Finding] = Field(default_factory=list)
    error: str | None = None
    warnings: list[str] = Field(default_factory=list)
    input: dict[str, Any] = Field(default_factory=dict)

    @property
    def rule_ids(self) -> list[str]:
        return [f.rule_id for f in self.findings]

    @property
    def reasons(self) -> list[str]:
        return [f.message for f in self.findings]

    @property
    def top_party(self) -> Finding | None:
        parties = [f for f in self.findings if f.family == Family.party and f.score is not None]
        # The match that drives the verdict: most severe first, then the best score.
        return max(parties, key=lambda f: (f.severity.rank, f.score or 0.0)) if parties else None

"""Facts about one shipment that every rule family reads: computed once per shipment.

The evaluators stay small because the shared questions live here: which goods rules the
HS code hits, whether the goods are humanitarian or sensitive, where the goods go and which
way, and whether an end-use document covers them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from compliance import countries, hs
from compliance.hs import prefix_relation
from compliance.models import Family, Finding, Severity, Shipment
from compliance.rules.loader import RuleBundle
from compliance.rules.model import GoodsEntry, Jurisdiction, Rule

# Families whose rules decide what the goods are.
GOODS_FAMILIES = (Family.sector, Family.dual_use, Family.chpl)
# Confidence levels on which a rule may block; anything else resolves to REVIEW.
BLOCKING_CONFIDENCE = {"confirmed", "scope-confirmed", "heuristic"}
# What the evaluators write into messages, remembered (bounded; codes repeat across a batch):
# a pycountry lookup costs microseconds, and a row with findings writes several.
country_name = lru_cache(maxsize=1024)(countries.country_name)
format_hs = lru_cache(maxsize=8192)(hs.format_hs)
# Regimes that bind under every jurisdiction: UN Security Council measures are implemented
# by the EU, the UK and the US alike.
UNIVERSAL_REGIMES = {"UN"}
# The end-use document kinds of the contract (CONTRACT.md §1, end_use_doc_type).
_DOC_KINDS = frozenset(("end_user_certificate", "end_use_statement", "import_certificate", "delivery_verification"))
# Units that count items, for a value per item (luxury thresholds); blank counts as items. Matched
# folded, without a trailing dot ('pcs.', 'шт.'): English, Russian/Belarusian, German, Polish,
# Lithuanian, Czech/Slovak, UN/ECE Rec. 20 codes (C62 one, H87 piece, NMB/NAR number, PR pair).
_ITEM_UNITS = frozenset(("", "pcs", "pc", "pce", "piece", "pieces", "item", "items", "unit", "units", "u", "ea",
                         "each", "nar", "nmb", "c62", "h87", "no", "nos", "nr", "p/st", "bottle", "bottles", "btl",
                         "шт", "штук", "штука", "штуки", "бут", "бутылка", "бутылки", "бутылок", "пляшка",
                         "stk", "st", "stück", "stueck", "szt", "sztuk", "vnt", "ks", "kus",
                         "pair", "pairs", "pr", "пар", "пара", "пары"))


# The euro as a currency column writes it: the code, its sign, its name (English, Russian,
# Belarusian, plural), folded and without a trailing dot. Thresholds and quotas are in EUR.
_EUR = frozenset(("eur", "€", "euro", "euros", "евро", "еўра", "эўра"))


def is_eur(currency: str | None) -> bool:
    """Is the amount in euros: a blank currency counts as EUR (the rules' currency), and so does the
    euro written as its sign or name ('€', 'Euro', 'евро', 'EUR.'); any other currency is not
    converted (no exchange rate is part of the rules)."""
    return currency is None or currency.strip().casefold().rstrip(".").strip() in _EUR


@dataclass(frozen=True)
class GoodsHit:
    """The best match of a shipment's HS code against one rule's goods."""

    rule: Rule
    entry: GoodsEntry
    relation: str  # "within" (the code is covered) or "broader" (the declared code is coarser)

    @property
    def confidence(self) -> str:
        return self.entry.confidence or self.rule.confidence

    def doubts(self) -> list[str]:
        """Why this hit cannot block on its own (empty when it can)."""
        out = []
        if self.relation == "broader":
            out.append(f"the declared code is broader than the listed {format_hs(self.entry.code)}: "
                       "declare the full CN code to settle it")
        if self.entry.ex:
            out.append(f"only part of {format_hs(self.entry.code)} is listed ('ex' code)")
        if self.confidence not in BLOCKING_CONFIDENCE:
            out.append("the listed code is unverified in the legal-facts reference")
        return out

    @property
    def certain(self) -> bool:
        return not self.doubts()


def _is_humanitarian_code(code: str) -> bool:
    # RULES.md: HS chapters 01-23, 30 and headings 9018-9022 (chapter 24, tobacco, is not).
    chapter = int(code[:2])
    return chapter <= 23 or chapter == 30 or 9018 <= int(code[:4]) <= 9022


@dataclass
class Context:
    shipment: Shipment
    date: dt.date
    bundle: RuleBundle
    jurisdiction_code: str
    same_name: Callable[[str, str], bool]
    warnings: list[str] = field(default_factory=list)
    # Rule kinds that fired already, so a family's catch-all rule does not repeat a specific one.
    fired: set[str] = field(default_factory=set)

    # Country groups -------------------------------------------------------------------
    @cached_property
    def jurisdiction(self) -> Jurisdiction:
        return self.bundle.countries.jurisdictions[self.jurisdiction_code]

    @property
    def core_sanctioned(self) -> set[str]:
        return set(self.bundle.countries.sanctioned.countries)

    def sanctioned(self, rule: Rule) -> set[str]:
        extra = set(self.bundle.countries.harmonised.countries) if rule.harmonise_russia else set()
        return self.core_sanctioned | extra

    @property
    def partner(self) -> set[str]:
        return set(self.bundle.countries.partner.countries)

    @property
    def high_risk(self) -> set[str]:
        return set(self.bundle.countries.high_risk.countries)

    # Where the goods go --------------------------------------------------------------
    @cached_property
    def to_countries(self) -> dict[str, str]:
        """Country of each receiving role: destination, consignee, end user."""
        s = self.shipment
        out = {"destination_country": s.destination_country}
        if s.consignee_country:
            out["consignee_country"] = s.consignee_country
        if s.end_user_country:
            out["end_user_country"] = s.end_user_country
        return out

    def receivers_in(self, countries: set[str]) -> dict[str, str]:
        return {k: v for k, v in self.to_countries.items() if v in countries}

    @cached_property
    def exported_from_by(self) -> bool:
        """Exporter in BY, or the route starts in BY (the import bans' 'exported from Belarus')."""
        s = self.shipment
        return s.exporter_country in self.core_sanctioned or self.route_starts_in_by

    @property
    def route_starts_in_by(self) -> bool:
        """The first listed route country is BY and no exporter elsewhere is declared: with an
        exporter in another country the goods started there and passed through BY (transit,
        REVIEW), which the route list alone cannot tell from an export out of Belarus."""
        s = self.shipment
        by = self.core_sanctioned
        first_in_by = bool(s.transit_countries) and s.transit_countries[0] in by
        return first_in_by and (s.exporter_country is None or s.exporter_country in by)

    def passes_through(self, countries: set[str]) -> list[str]:
        """Transit countries of the route in ``countries``, not counting departure or arrival there."""
        s = self.shipment
        route = list(s.transit_countries)
        hits = []
        for i, c in enumerate(route):
            if c not in countries:
                continue
            if c == s.destination_country:
                continue  # arrival: the goods end there, the export rules judge that
            if i == 0 and c in (s.exporter_country, s.origin_country):
                continue  # departure: the goods start there, the import rules judge that
            hits.append(c)
        return hits

    # What the goods are ---------------------------------------------------------------
    @cached_property
    def hits(self) -> dict[str, GoodsHit]:
        """Best goods hit per goods rule in force on the shipment date."""
        code = hs.screened_code(self.shipment.hs_code)  # an HS 2017 code as its HS 2022 successor
        out: dict[str, GoodsHit] = {}
        for rule in self.bundle.rules:
            if rule.family not in GOODS_FAMILIES or not rule.in_force(self.date):
                continue
            best: GoodsHit | None = None
            for entry in self.bundle.goods.get(rule.id, ()):
                if entry.valid_from and self.date < entry.valid_from:
                    continue
                if entry.valid_to and self.date > entry.valid_to:
                    continue
                relation = prefix_relation(code, entry.code)
                if relation is None:
                    continue
                hit = GoodsHit(rule, entry, relation)
                # Prefer a certain entry, then one the code falls under (its finding names the fact
                # in doubt) over one it is broader than, then a more specific one.
                if best is None or (hit.certain, relation == "within", len(entry.code)) \
                        > (best.certain, best.relation == "within", len(best.entry.code)):
                    best = hit
            if best is not None:
                out[rule.id] = best
        return out

    @cached_property
    def humanitarian(self) -> bool:
        """Food, medicines, medical devices: unless a luxury-type row lists the very code."""
        if not _is_humanitarian_code(self.shipment.hs_code):
            return False
        return not any(h.entry.overrides_humanitarian for h in self.hits.values())

    @cached_property
    def sensitive_hits(self) -> list[GoodsHit]:
        """Hits that make the goods export-restricted (export bans, dual-use, CHPL). An export ban
        with ``params.export_restricted: false`` (euro banknotes) judges only shipments to the
        sanctioned countries: RULES.md's export-restricted goods, which need end-use documents and
        may not transit Belarus, do not include it."""
        return [h for h in self.hits.values()
                if (h.rule.family == Family.sector and h.rule.kind == "export_ban"
                    and h.rule.params.get("export_restricted", True))
                or h.rule.family in (Family.dual_use, Family.chpl)]

    @cached_property
    def import_banned_hits(self) -> list[GoodsHit]:
        return [h for h in self.hits.values() if h.rule.family == Family.sector and h.rule.kind == "import_ban"]

    @property
    def sensitive(self) -> bool:
        return bool(self.sensitive_hits)

    def per_item_doubts(self, rule: Rule) -> list[str]:
        """Luxury-type bans apply above a value per item: at or below it the ban may not apply (so
        too a whole shipment declared at or below it). A value per item that cannot be worked out (no
        quantity, a unit that is not items, another currency) leaves the hit as it is."""
        limit = rule.params.get("min_item_value_eur")
        if limit is None:
            return []
        s = self.shipment
        if s.value is None or not is_eur(s.currency):
            return []
        if s.value <= float(limit):
            # No item can be worth more than the whole shipment, whatever the quantity or unit.
            return [f"declared value EUR {s.value:,.2f} for the whole shipment is not above the EUR {limit} "
                    "per-item threshold of the Russia model, the Belarus threshold is unverified"]
        unit = (s.unit or "").strip().casefold().rstrip(".")
        if not s.quantity or unit not in _ITEM_UNITS:
            return []
        per_item = s.value / s.quantity
        if per_item <= float(limit):
            return [f"declared value EUR {per_item:,.2f} per item is not above the EUR {limit} threshold "
                    "of the Russia model; the Belarus threshold is unverified"]
        return []

    def restricted_certainly(self, hit: GoodsHit) -> bool:
        """The hit makes the goods export-restricted for sure: a certain code of a rule that blocks
        (not the 2021 dual-use scope, which turned on a military end use), and for a luxury-type ban
        a value per item above its threshold. Goods the ban may not reach, sent through Belarus or to
        a Belarusian end user, cannot be judged harder than the same goods sent to Belarus."""
        return hit.certain and hit.rule.severity == Severity.block and not self.per_item_doubts(hit.rule)

    @property
    def sensitive_certain(self) -> bool:
        return any(self.restricted_certainly(h) for h in self.sensitive_hits)

    def sensitive_summary(self) -> str:
        """Short label of why the goods are export-restricted, e.g. 'CHPL tier 1, possible dual-use'."""
        labels: list[str] = []
        for h in sorted(self.sensitive_hits, key=lambda h: (not self.restricted_certainly(h), h.rule.id)):
            if h.rule.family == Family.chpl:
                label = "CHPL " + (h.entry.note or "").split(":")[0]
            elif h.rule.family == Family.dual_use:
                label = "possible dual-use"
            else:
                label = h.rule.title.lower().replace(" export ban", "").strip() + " (export ban)"
            if not h.certain:
                label += " [unverified]"
            elif h.rule.severity != Severity.block:
                label += f" [{h.rule.title}]"
            elif self.per_item_doubts(h.rule):
                label += " [value per item not above the threshold]"
            if label not in labels:
                labels.append(label)
        return ", ".join(labels)

    # End-use document ----------------------------------------------------------------
    @cached_property
    def document_status(self) -> str:
        """none | manufacturer | authority | other: who vouches for the final destination."""
        s = self.shipment
        if not s.has_end_use_doc:
            return "none"
        issuer = s.end_use_doc_issuer or ""
        if s.end_use_doc_type not in _DOC_KINDS:  # 'invoice', 'foo': vouches for nothing, whoever issued it
            return "other"
        if issuer == "manufacturer":
            return "manufacturer"
        if issuer == "authority":
            return "authority"
        if issuer == "exporter" and s.exporter_name and s.manufacturer_name \
                and self.same_name(s.exporter_name, s.manufacturer_name):
            return "manufacturer"
        return "other"

    @property
    def documented(self) -> bool:
        return self.document_status in ("manufacturer", "authority")

    # Building findings ----------------------------------------------------------------
    def binds(self, regime: str) -> bool:
        """Whether measures and listings of ``regime`` bind under the chosen jurisdiction."""
        return regime in self.jurisdiction.binding_regimes or regime in UNIVERSAL_REGIMES

    def finding(self, rule: Rule, message: str, evidence: dict[str, object], *,
                severity: Severity | None = None, doubts: list[str] | None = None,
                regime: str | None = None, binding_note: bool = True) -> Finding:
        """A finding of ``rule``: severity lowered to review when facts are in doubt or the
        regime does not bind under the chosen jurisdiction. ``regime`` replaces the rule's
        (a party finding is judged by the regime of the matched listing, not the rule's);
        ``binding_note=False`` when the message already says why the regime does not bind."""
        regime = regime or rule.regime
        sev = severity or rule.severity
        notes = list(doubts or [])
        if rule.wind_down_until and self.date <= rule.wind_down_until:
            cut_off = rule.wind_down_contracts_before or rule.valid_from
            notes.append(f"contracts concluded before {cut_off} may be executed until "
                         f"{rule.wind_down_until}: check the contract date")
        if binding_note and not self.binds(regime):
            notes.append(f"{regime} measure, not binding under jurisdiction {self.jurisdiction_code} "
                         "(exposure only)")
        if notes and sev == Severity.block:
            sev = Severity.review
        if notes:
            message = f"{message} [REVIEW: {'; '.join(notes)}]" if sev == Severity.review else message
        # `reasons` joins the messages with ';' (CONTRACT §2): one sentence each, no ';' inside.
        message = message.replace(";", ",")
        ev = {k: v for k, v in evidence.items() if v not in (None, "", [], {})}
        return Finding(rule_id=rule.id, family=rule.family, severity=sev, regime=regime,
                       legal_basis=rule.legal_basis, message=message, evidence=ev,
                       confidence=rule.confidence if not notes else "unverified" if any(
                           "unverified" in n for n in notes) else rule.confidence,
                       source=rule.source)

    def goods_evidence(self, hit: GoodsHit) -> dict[str, object]:
        return {"hs_code": self.shipment.hs_code, "listed_code": format_hs(hit.entry.code),
                "code_note": hit.entry.note, "description": self.shipment.description}

"""``QuotaTracker.covers`` (a prefix-set lookup) agrees with ``prefix_relation`` over every goods
entry of every quota rule, for the rules' own codes, their neighbours and codes of other rules
(an HS 2017 code HS 2022 deleted judged as its successor, as ``Context.hits`` judges it)."""

from __future__ import annotations

import random

from compliance.hs import prefix_relation, screened_code
from compliance.rules.loader import load_bundle
from compliance.rules.quota import QuotaTracker


def test_covers_is_the_within_relation() -> None:
    bundle = load_bundle()
    tracker = QuotaTracker(bundle)
    all_codes = sorted({e.code for entries in bundle.goods.values() for e in entries})
    rng = random.Random(19)
    probes = set(all_codes)
    for c in all_codes:
        probes.update({c[:4], c + "00", c + "9", c[:-1] + str((int(c[-1]) + 1) % 10)})
    probes.update("".join(rng.choice("0123456789") for _ in range(rng.choice((4, 6, 8, 10)))) for _ in range(2000))
    quota_rules = list(tracker.rules)
    assert quota_rules
    checked = 0
    for rule in quota_rules:
        goods = bundle.goods.get(rule.id, [])
        for code in sorted(probes):
            expected = any(prefix_relation(screened_code(code), e.code) == "within" for e in goods)
            assert tracker.covers(rule, code) is expected, (rule.id, code)
            checked += expected
    assert checked > 50

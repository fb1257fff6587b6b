"""Bad rule files fail at load with the file, the line, the field and what to write instead;
never a traceback. (Rule content is tested in tests/rules; these are the error paths.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compliance.exc import InvalidRuleFile
from compliance.rules.loader import load_bundle
from compliance.settings import RULES_DIR

RULE = """
  - id: BY-TEST-RULE
    kind: import_ban
    title: Test
    severity: block
    regime: EU
    legal_basis: test
    valid_from: 2022-03-03
    rationale: test
    source: test
    goods:
      - {code: "2523"}
"""


@pytest.fixture()
def bundle(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


CASES = {
    "three digits": (RULE.replace('"2523"', '"940"'), "code", ["'940'", "not an HS"]),
    "eleven digits": (RULE.replace('"2523"', '"94036000001"'), "code", ["94036000001", "not an HS"]),
    "letters": (RULE.replace('"2523"', '"84A1"'), "code", ["84A1"]),
    "unquoted octal-looking code": (RULE.replace('"2523"', "0402"), "code", ["number 258", 'quotes: "0402"']),
    "unquoted code losing a zero": (RULE.replace('"2523"', "3104.20"), "code", ['quotes: "3104.20"']),
    "impossible date": (RULE.replace("2022-03-03", "2024-02-30"), "valid_from", ["2024-02-30", "not a real date"]),
    "impossible quoted date": (RULE.replace("2022-03-03", '"2024-02-30"'), "valid_from", ["date"]),
    "end before start": (RULE.replace("    rationale", "    valid_to: 2021-01-01\n    rationale"), "rules",
                         ["valid_to is before valid_from"]),
    "misspelt field": (RULE.replace("    source: test\n", "    source: test\n    sevrity: block\n"), "sevrity",
                       ["unknown field", "BY-TEST-RULE"]),
    "duplicate id": (RULE.replace("BY-TEST-RULE", "BY-SECT-POTASH"), "id", ["duplicate rule id"]),
    "tab indentation": (RULE.replace("    title: Test", "\ttitle: Test"), None, ["not valid YAML"]),
    "goods not a list": (RULE.replace('      - {code: "2523"}', "      code: 2523"), "goods", ["valid list"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_rule_file(bundle: Path, case: str) -> None:
    text, field, words = CASES[case]
    target = bundle / "sector_import.yaml"
    before = len(target.read_text(encoding="utf-8").splitlines())
    with target.open("a", encoding="utf-8") as f:
        f.write(text)
    with pytest.raises(InvalidRuleFile) as e:
        load_bundle(bundle)
    message = str(e.value)
    assert "sector_import.yaml:" in message, message
    assert e.value.line is not None and e.value.line > before, message
    if field:
        assert field in message, message
    for w in words:
        assert w in message, message


def test_duplicate_id_in_another_file_names_both(bundle: Path) -> None:
    (bundle / "extra.yaml").write_text("family: sector\nrules:" + RULE.replace("BY-TEST-RULE", "BY-SECT-POTASH"),
                                       encoding="utf-8")
    with pytest.raises(InvalidRuleFile, match="duplicate rule id 'BY-SECT-POTASH'") as e:
        load_bundle(bundle)
    assert "extra.yaml" in str(e.value) and "sector_import.yaml" in str(e.value)


@pytest.mark.parametrize(("content", "words"), [
    (b"\xff\xfe\x00garbage", "cannot read"),
    (b"- just\n- a list\n", "dictionary"),
    (b"family: sector\nrules: 5\n", "valid list"),
    (b"family: sector\nrules:\n  - id: [unclosed\n", "not valid YAML"),
])
def test_unreadable_rule_files(bundle: Path, content: bytes, words: str) -> None:
    (bundle / "extra.yaml").write_bytes(content)
    with pytest.raises(InvalidRuleFile, match=words) as e:
        load_bundle(bundle)
    assert "extra.yaml" in str(e.value)


def test_cli_rules_validate_prints_no_traceback(bundle: Path) -> None:
    from typer.testing import CliRunner

    from compliance.cli import app

    with (bundle / "sector_import.yaml").open("a", encoding="utf-8") as f:
        f.write(RULE.replace("2022-03-03", "2024-02-30"))
    result = CliRunner().invoke(app, ["rules", "validate", str(bundle)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output and "2024-02-30" in result.output

"""Load and validate a rule bundle directory.

Every problem is reported with the file, the line and the field: a compliance officer who
edits a rule file must be able to find the mistake without reading Python.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from compliance.exc import InvalidRuleFile
from compliance.rules.model import CountriesFile, GoodsEntry, Rule, RuleFile

BUNDLE_FILE = "bundle.yaml"
COUNTRIES_FILE = "countries.yaml"


class BundleInfo(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "belarus"
    version: str
    date: dt.date | None = None
    description: str | None = None


@dataclass
class RuleBundle:
    """A validated rule bundle: rules, country groups, and what identifies it."""

    path: Path
    info: BundleInfo
    countries: CountriesFile
    rules: list[Rule]
    sha256: str
    goods: dict[str, list[GoodsEntry]] = field(default_factory=dict)  # rule id -> effective goods
    files: dict[str, str] = field(default_factory=dict)  # rule id -> file it came from

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def version(self) -> str:
        return self.info.version


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location through the YAML node tree to a 1-based line."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if node is None:
            break
        nxt: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if str(k.value) == str(part):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            nxt = node.value[part]
            line = nxt.start_mark.line + 1
        node = nxt
    return line


def _node_at(node: yaml.Node | None, loc: tuple[Any, ...]) -> yaml.Node | None:
    """The YAML node a pydantic error location points at (None when the path leaves the tree)."""
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if str(k.value) == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            return None
    return node


def _bad_scalar(node: yaml.Node, path: Path, key: str | None = None) -> None:
    """Find the scalar PyYAML could not construct (an unquoted impossible date such as
    2024-02-30 raises a bare ValueError) and report it with its line and key."""
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            _bad_scalar(v, path, str(k.value))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _bad_scalar(item, path, key)
    elif isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:timestamp":
        try:
            yaml.SafeLoader("").construct_yaml_timestamp(node)
        except ValueError as e:
            raise InvalidRuleFile(f"{node.value!r} is not a real date ({e}): write YYYY-MM-DD", path=str(path),
                                  line=node.start_mark.line + 1, field=key) from None


def _check_duplicate_keys(node: yaml.Node, path: Path) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for k, v in node.value:
            key = str(k.value)
            if key in seen:
                raise InvalidRuleFile(f"duplicate key {key!r} (first at line {seen[key]})",
                                      path=str(path), line=k.start_mark.line + 1, field=key)
            seen[key] = k.start_mark.line + 1
            _check_duplicate_keys(v, path)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _check_duplicate_keys(item, path)


def _read_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InvalidRuleFile(f"cannot read file: {e}", path=str(path)) from None
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e)
        raise InvalidRuleFile(f"not valid YAML: {problem}", path=str(path), line=line) from None
    except (ValueError, TypeError, OverflowError) as e:  # a scalar YAML parsed but cannot build
        if node is not None:
            _bad_scalar(node, path)
        raise InvalidRuleFile(f"a value cannot be read: {e}", path=str(path)) from None
    if node is not None:
        _check_duplicate_keys(node, path)
    return data, node


def _validate(model: type[BaseModel], data: Any, node: yaml.Node | None, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        err = e.errors()[0]
        loc = tuple(err["loc"])
        field_name = ".".join(str(p) for p in loc) or None
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = f"unknown field {loc[-1]!r}"
        bad = _node_at(node, loc)
        name = next((str(p) for p in reversed(loc) if not isinstance(p, int)), "")
        if isinstance(bad, yaml.ScalarNode) and "code" in name and bad.tag.endswith((":int", ":float")):
            msg += (f" — YAML reads the unquoted {bad.value} as the number {err.get('input')!r}; write the "
                    f"code in quotes: \"{bad.value}\"")
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int) and isinstance(data, dict):
            rules = data.get("rules")
            rule = rules[loc[1]] if isinstance(rules, list) and loc[1] < len(rules) else None
            if isinstance(rule, dict) and rule.get("id"):
                msg = f"rule {rule['id']}: {msg}"
        more = f" (and {len(e.errors()) - 1} more problems)" if len(e.errors()) > 1 else ""
        raise InvalidRuleFile(msg + more, path=str(path), line=_line_of(node, loc), field=field_name) from None


def load_bundle(directory: str | Path | None = None) -> RuleBundle:
    """Load every YAML file of a rule bundle directory, validated; raise ``InvalidRuleFile``."""
    from compliance.settings import RULES_DIR

    root = Path(directory) if directory is not None else RULES_DIR
    if not root.is_dir():
        raise InvalidRuleFile("rules directory not found", path=str(root))
    files = sorted(p for p in root.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))
    digest = hashlib.sha256()
    for p in files:
        digest.update(p.name.encode())
        digest.update(p.read_bytes())

    info_path = root / BUNDLE_FILE
    if not info_path.is_file():
        raise InvalidRuleFile(f"missing {BUNDLE_FILE} (bundle name and version)", path=str(root))
    data, node = _read_yaml(info_path)
    info: BundleInfo = _validate(BundleInfo, data, node, info_path)

    countries_path = root / COUNTRIES_FILE
    if not countries_path.is_file():
        raise InvalidRuleFile(f"missing {COUNTRIES_FILE} (country groups and jurisdictions)", path=str(root))
    data, node = _read_yaml(countries_path)
    countries: CountriesFile = _validate(CountriesFile, data, node, countries_path)

    rules: list[Rule] = []
    origin: dict[str, str] = {}
    for path in files:
        if path.name in (BUNDLE_FILE, COUNTRIES_FILE):
            continue
        data, node = _read_yaml(path)
        if data is None:
            continue
        if isinstance(data, dict) and isinstance(data.get("rules"), list):
            # The file's family and harmonise_russia are the defaults of its rules.
            for r in data["rules"]:
                if isinstance(r, dict):
                    for key in ("family", "harmonise_russia"):
                        if data.get(key) is not None:
                            r.setdefault(key, data[key])
        rule_file: RuleFile = _validate(RuleFile, data, node, path)
        for i, rule in enumerate(rule_file.rules):
            if rule.id in origin:
                raise InvalidRuleFile(f"duplicate rule id {rule.id!r} (already in {origin[rule.id]})",
                                      path=str(path), line=_line_of(node, ("rules", i, "id")), field="id")
            origin[rule.id] = path.name
            rules.append(rule)

    goods: dict[str, list[GoodsEntry]] = {}
    by_id = {r.id: r for r in rules}
    for rule in rules:
        entries = list(rule.goods)
        for ref in rule.goods_from:
            if ref not in by_id:
                raise InvalidRuleFile(f"goods_from names unknown rule {ref!r}", path=str(root / origin[rule.id]),
                                      field=f"{rule.id}.goods_from")
            entries.extend(by_id[ref].goods)
        goods[rule.id] = entries
    return RuleBundle(path=root, info=info, countries=countries, rules=rules, sha256=digest.hexdigest(),
                      goods=goods, files=origin)

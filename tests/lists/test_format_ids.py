"""`--format` ids: the contract's ids stay accepted, and the README names every id we accept."""
from pathlib import Path

from compliance.lists import list_formats

CONTRACT_IDS = ["ofac-csv", "ofac-xml", "un-xml", "eu-fsf-xml", "eu-fsf-csv", "uk-csv", "ftm-json"]


def test_contract_format_ids_are_accepted() -> None:
    assert set(CONTRACT_IDS) <= set(list_formats())


def test_readme_names_every_format_id() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [f for f in list_formats() if f"`{f}`" not in readme]
    assert not missing, f"README does not name the --format ids {missing}"

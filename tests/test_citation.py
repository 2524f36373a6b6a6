"""The book is citable: a valid CITATION.cff whose version matches the package, and citation strings."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import jsonschema
import yaml

import kurils
from kurils import meta

ROOT = Path(__file__).resolve().parents[1]


def test_citation_cff_is_valid_cff_1_2():
    schema = json.loads((ROOT / "tests" / "schemas" / "citation-file-format-1.2.0.json").read_text())
    document = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    document["date-released"] = str(document["date-released"])  # YAML parses dates; the schema wants a string
    jsonschema.validate(document, schema, format_checker=jsonschema.FormatChecker())


def test_one_version_everywhere():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert meta.citation()["version"] == project == kurils.__version__


def test_citation_strings_carry_title_version_and_year():
    apa = meta.apa()
    assert "(2026)" in apa and "Version 0.2.0" in apa and "Kuril Islands" in apa
    bib = meta.bibtex()
    assert bib.startswith("@misc{kurils_book,") and "version = {0.2.0}" in bib


def test_book_config_carries_the_same_version():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())["sphinx"]["config"]
    assert config["release"] == config["version"] == meta.citation()["version"]

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


def _config_with_addresses(tmp_path: Path) -> Path:
    """A copy of the book's _config.yml with the public addresses filled as the publishing workflow does."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("set_public_address", ROOT / "scripts" / "set_public_address.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    (tmp_path / "_config.yml").write_text(
        script.set_addresses((ROOT / "_config.yml").read_text(encoding="utf-8"),
                             repository="https://github.com/example/kurils-book",
                             baseurl="https://example.github.io/kurils-book"), encoding="utf-8")
    return tmp_path


def test_the_clone_address_comes_from_the_one_repository_setting(tmp_path):
    root = _config_with_addresses(tmp_path)
    config = yaml.safe_load((root / "_config.yml").read_text())
    assert config["repository"]["url"] == "https://github.com/example/kurils-book"
    assert config["html"]["baseurl"] == "https://example.github.io/kurils-book/"
    assert meta.clone_command(root) == "git clone https://github.com/example/kurils-book kurils-book && cd kurils-book"
    # Unset (a local build), the intro says where to set it instead of inventing an address.
    assert "set repository.url in _config.yml" in meta.clone_command(ROOT) or meta.repository_url(ROOT)


def test_the_address_script_refuses_what_is_not_an_https_address(tmp_path):
    import subprocess
    import sys

    (tmp_path / "_config.yml").write_text((ROOT / "_config.yml").read_text(encoding="utf-8"), encoding="utf-8")
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "set_public_address.py"), "--config",
                          str(tmp_path / "_config.yml"), "--repository", "git@github.com:x/y.git"],
                         capture_output=True, text=True)
    assert run.returncode != 0 and "https://" in run.stderr


def test_public_and_pdf_urls_appear_in_the_meta_tags_only_when_the_site_address_is_known():
    without = dict(meta.highwire_tags("Islands"))
    assert "citation_public_url" not in without and "citation_pdf_url" not in without
    tags = dict(meta.highwire_tags("Islands", page_url="https://example.github.io/kurils-book/book/islands.html",
                                   pdf_url="https://example.github.io/kurils-book/kurils-book.pdf"))
    assert tags["citation_public_url"].endswith("/book/islands.html")
    assert tags["citation_pdf_url"].endswith("/kurils-book.pdf")

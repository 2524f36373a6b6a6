"""Cross-references in the chapters resolve, and the build turns an unresolved one into a failure.

Sphinx reports a missing {ref}/{numref}/{doc} target only as a warning; the book's build runs with
``-n -W`` (Makefile) and ``nitpicky: true`` (_config.yml), so such a warning fails `make book`. This
test finds the same problems in seconds, without a build, by reading the MyST sources: every role's
target must be a label ``(name)=``, a figure ``name:`` in a cell's metadata, or a chapter in the table
of contents. References written at run time (glued phrases) are left to the build.

It also fails on plain-text promises such as "covered in the legal chapter" that carry no link: the
okhotsk page once promised a discussion of transit passage that did not exist.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
CHAPTERS = sorted(BOOK.glob("*.md"))

ROLE = re.compile(r"\{(ref|numref|doc)\}`([^`]+)`")
LABEL = re.compile(r"^\(([A-Za-z0-9_.:-]+)\)=\s*$", re.M)
FIG_NAME = re.compile(r"^\s+name:\s*([A-Za-z0-9_.:-]+)\s*$", re.M)
PROMISE = re.compile(r"\b(?:covered|discussed|explained|treated)\s+in\s+the\s+[A-Za-z]+\s+chapter\b"
                     r"|\bthe\s+[A-Za-z]+\s+chapter\s+(?:covers|discusses|explains)\b", re.I)


def target_of(role: str, body: str) -> str:
    """The target of a role body: 'text <target>' or 'target'."""
    m = re.search(r"<([^>]+)>\s*$", body)
    return (m.group(1) if m else body).strip()


def toc_docs() -> set[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    docs = {toc["root"]}
    for part in toc.get("parts", []):
        for ch in part.get("chapters", []):
            docs.add(ch["file"])
    return {Path(d).stem for d in docs}


def targets() -> tuple[set[str], set[str]]:
    labels, figures = set(), set()
    for chapter in CHAPTERS:
        text = chapter.read_text(encoding="utf-8")
        labels |= set(LABEL.findall(text))
        figures |= {n for n in FIG_NAME.findall(text) if n != "python3"}
    return labels, figures


def unresolved(text: str, labels: set[str], figures: set[str], docs: set[str]) -> list[str]:
    bad = []
    for role, body in ROLE.findall(text):
        target = target_of(role, body)
        ok = {"ref": target in labels or target in figures,
              "numref": target in figures or target in labels,
              "doc": target.split("/")[-1] in docs}[role]
        if not ok:
            bad.append(f"{{{role}}}`{body}`")
    return bad


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_every_cross_reference_resolves(chapter):
    labels, figures = targets()
    assert unresolved(chapter.read_text(encoding="utf-8"), labels, figures, toc_docs()) == []


def test_the_checker_catches_a_dangling_reference():
    labels, figures = {"legal", "legal-sea"}, {"fig-x"}
    docs = {"legal"}
    assert unresolved("see {ref}`legal-sea` and {doc}`Law <legal>`", labels, figures, docs) == []
    assert unresolved("see {ref}`the law <legal-transit>`", labels, figures, docs) == ["{ref}`the law <legal-transit>`"]
    assert unresolved("{numref}`fig-y`", labels, figures, docs) == ["{numref}`fig-y`"]
    assert unresolved("{doc}`security`", labels, figures, docs) == ["{doc}`security`"]


def sentences_with_promises(text: str) -> list[str]:
    """Sentences that promise another chapter's coverage in plain text, without a role link."""
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        if PROMISE.search(sentence) and not ROLE.search(sentence):
            out.append(" ".join(sentence.split())[:160])
    return out


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.stem for c in CHAPTERS])
def test_no_unlinked_promise_of_another_chapter(chapter):
    assert sentences_with_promises(chapter.read_text(encoding="utf-8")) == []


def test_the_promise_check_catches_the_old_okhotsk_sentence():
    old = ("It ignores the law of the sea (territorial waters and the right of transit passage through "
           "international straits, covered in the legal chapter), ice.")
    assert sentences_with_promises(old)
    assert not sentences_with_promises(old.replace("covered in the legal chapter", "set out in {ref}`legal-sea`"))


def test_build_fails_on_unresolved_references():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    flags = re.search(r"^JB_FLAGS\s*:=\s*(.+)$", makefile, re.M).group(1).split()
    assert "-W" in flags and "-n" in flags, "make book must turn warnings (incl. missing references) into errors"
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    assert config["sphinx"]["config"].get("nitpicky") is True, "nitpicky: true reports missing references in any build"
    assert config.get("only_build_toc_files") is True, "a chapter outside the TOC must not build (its {doc} links fail)"

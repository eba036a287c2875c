"""The corpus: own words, credited sources, every fact of the reference articles covered."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, SHARED

CORPUS = REPO / "corpus"
FILES = sorted(CORPUS.glob("*.md"))
SEED_TITLES = {
    "000": "Power of Dual Mentorship in Career Development",
    "001": "Mentoring within your developmental network",
    "002": "Rethink Mentorship in the Workplace",
    "003": "Mentorship in the Workplace - Your Professional Guide",
    "004": "Mentorship Is a Two-Way Street",
}


def front_matter(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    m = re.match(r"---\n(.*?)\n---\n(.*)", text, re.DOTALL)
    assert m, f"{path.name} has no front matter"
    return yaml.safe_load(m.group(1)), m.group(2)


def norm(s: str) -> str:
    return " ".join(s.lower().split())


def test_there_are_at_least_twelve_guides():
    assert len(FILES) >= 12


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_guide_has_complete_front_matter_and_sections(path):
    meta, body = front_matter(path)
    assert {"title", "summary", "tags", "sources", "license"} <= set(meta)
    assert meta["license"] == "CC-BY-4.0"
    assert isinstance(meta["tags"], list) and meta["tags"]
    for src in meta["sources"]:
        assert src["title"] in SEED_TITLES.values(), src
        assert "author" in src
    # figures from outside the reference articles (a product's own help pages) name where
    # they came from, beside the articles credited above
    for src in meta.get("figures_from") or []:
        assert src["title"] and src["author"] and src["note"], src
    headings = re.findall(r"^## (.+)$", body, re.MULTILINE)
    assert len(headings) >= 4
    assert len(set(headings)) == len(headings), "duplicate section headings"
    assert "<" not in body or not re.search(r"<[a-z]+[ >]", body), "no HTML in the corpus"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_questions_people_ask_cover_every_section(path):
    meta, body = front_matter(path)
    headings = re.findall(r"^## (.+)$", body, re.MULTILINE)
    asks = meta.get("asks") or {}
    assert list(asks) == headings
    assert all(len(qs) >= 3 for qs in asks.values())


def test_every_reference_article_is_credited_somewhere():
    credited = {src["title"] for p in FILES for src in (front_matter(p)[0]["sources"] or [])}
    assert set(SEED_TITLES.values()) <= credited


def coverage_entries() -> list[dict]:
    entries = []
    for f in sorted((REPO / "tests" / "coverage").glob("*.yaml")):
        entries.extend(yaml.safe_load(f.read_text(encoding="utf-8")))
    return entries


def test_the_coverage_list_maps_every_article_to_the_corpus():
    by_seed: dict[str, int] = {}
    for e in coverage_entries():
        by_seed[str(e["seed"]).zfill(3)] = by_seed.get(str(e["seed"]).zfill(3), 0) + 1
    assert set(by_seed) == set(SEED_TITLES)
    assert all(n >= 10 for n in by_seed.values()), by_seed


@pytest.mark.parametrize("entry", coverage_entries(), ids=lambda e: e["fact"][:60])
def test_each_fact_is_stated_in_the_file_the_coverage_list_names(entry):
    path = CORPUS / entry["file"]
    assert path.exists(), entry["file"]
    assert norm(entry["evidence"]) in norm(path.read_text(encoding="utf-8")), entry


@pytest.mark.parametrize(
    "figure",
    [
        "62 percent",
        "38 percent",
        "15 percent",
        "Robert Half Management Resources",
        "1 or 2 specific points",
        "200 characters",
        "300 characters",
        "1,900",
    ],
)
def test_key_figures_are_in_the_corpus(figure):
    corpus = norm(" ".join(p.read_text(encoding="utf-8") for p in FILES))
    assert norm(figure) in corpus


def test_no_sentence_is_copied_from_the_reference_articles():
    tool = SHARED / "tools" / "copycheck.py"
    if not tool.exists():
        pytest.skip(f"copycheck skipped: {tool} is absent (../shared is not beside this clone)")
    r = subprocess.run([sys.executable, str(tool), str(CORPUS)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout[-3000:]
    assert " 0 copied runs" in r.stdout

from pathlib import Path

import pytest

from coach.chunking import split
from coach.loaders import LoadError, load
from tests.helpers import minimal_pdf, mixed_folder

MB = 10_000_000


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return mixed_folder(tmp_path / "docs")


def test_markdown_front_matter_gives_title_tags_and_sources(tmp_path):
    p = tmp_path / "a.md"
    p.write_text(
        "---\ntitle: A guide\ntags: [x, y]\nsources:\n  - author: Ann Lee\n    title: T\n"
        "license: CC-BY-4.0\n---\n# A guide\n\n## One\n\nBody one.\n",
        encoding="utf-8",
    )
    doc = load(p, MB)
    assert (doc.title, doc.tags, doc.sources) == ("A guide", ["x", "y"], ["T (Ann Lee)"])


def test_chunks_follow_headings_and_ids_are_stable(folder):
    doc = load(folder / "guide.md", MB)
    chunks = split(doc, "docs/guide.md", 1400, 200)
    assert [c.section for c in chunks] == ["Running a circle", "Keeping notes"]
    again = split(load(folder / "guide.md", MB), "docs/guide.md", 1400, 200)
    assert [c.id for c in chunks] == [c.id for c in again]
    assert len({c.id for c in chunks}) == len(chunks)


def test_long_sections_are_split_with_overlap(tmp_path):
    p = tmp_path / "long.md"
    sentences = " ".join(f"Sentence number {i} talks about mentoring." for i in range(200))
    p.write_text(f"# Long\n\n## Big section\n\n{sentences}\n", encoding="utf-8")
    chunks = split(load(p, MB), "long.md", 500, 100)
    assert len(chunks) > 5
    assert all(len(c.text) <= 500 for c in chunks)
    assert all(c.section == "Big section" for c in chunks)
    assert len({c.id for c in chunks}) == len(chunks)


def test_html_keeps_headings_and_drops_scripts(folder):
    doc = load(folder / "page.html", MB)
    assert doc.title == "Reverse mentoring"
    assert "## Why juniors teach seniors" in doc.markdown
    assert "alert" not in doc.markdown


def test_notebook_markdown_cells_are_read_and_code_is_not(folder):
    doc = load(folder / "workbook.ipynb", MB)
    assert "quarterly goals" in doc.markdown
    assert "print(1)" not in doc.markdown


def test_pdf_text_is_read_page_by_page(tmp_path):
    p = tmp_path / "h.pdf"
    p.write_bytes(minimal_pdf("Shadowing days help"))
    doc = load(p, MB)
    assert "Shadowing days help" in doc.markdown
    assert "## Page 1" in doc.markdown


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty.md", "empty file"),
        ("photo.png", "unsupported file type"),
        ("binary.txt", "binary file"),
        ("latin1.txt", "not UTF-8"),
        ("broken.ipynb", "not a valid notebook"),
        ("bad-front.md", "front matter is not valid YAML"),
    ],
)
def test_unreadable_files_raise_a_reason_a_person_can_act_on(folder, name, reason):
    with pytest.raises(LoadError, match=reason):
        load(folder / name, MB)


def test_too_large_files_are_refused_before_reading(folder):
    with pytest.raises(LoadError, match="too large"):
        load(folder / "guide.md", 10)


def test_a_broken_pdf_is_an_error_not_a_crash(tmp_path):
    p = tmp_path / "bad.pdf"
    p.write_bytes(b"%PDF-1.4\nthis is not really a pdf")
    with pytest.raises(LoadError, match="PDF"):
        load(p, MB)


def test_asks_must_map_headings_to_lists(tmp_path):
    p = tmp_path / "a.md"
    p.write_text("---\nasks: [not, a, mapping]\n---\n# T\n\n## S\n\nx\n", encoding="utf-8")
    with pytest.raises(LoadError, match="asks"):
        load(p, MB)


def test_asks_become_hints_on_the_first_chunk_of_their_section(tmp_path):
    p = tmp_path / "a.md"
    p.write_text(
        '---\nasks:\n  "S": ["what is s?", "tell me about s"]\n---\n# T\n\n## S\n\nBody.\n',
        encoding="utf-8",
    )
    (chunk,) = split(load(p, MB), "a.md", 1400, 200)
    assert chunk.hints == ["what is s?", "tell me about s"]
    assert "what is s" not in chunk.text

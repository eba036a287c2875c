from pathlib import Path

import pytest

import coach
from coach.indexer import index_paths
from coach.settings import Settings, get_settings, reset_settings
from coach.vectorstore import Corpus, list_corpora
from tests.helpers import mixed_folder


def statuses(report) -> dict[str, str]:
    return {Path(f.path).name: f.status for f in report.files}


@pytest.fixture
def settings() -> Settings:
    return get_settings()


def test_a_mixed_folder_is_indexed_and_every_file_is_reported(tmp_path, settings):
    folder = mixed_folder(tmp_path / "docs")
    report = index_paths(settings, [folder], "mine")
    got = statuses(report)
    assert {n: got[n] for n in ("guide.md", "notes.txt", "page.html", "workbook.ipynb")} == {
        "guide.md": "indexed",
        "notes.txt": "indexed",
        "page.html": "indexed",
        "workbook.ipynb": "indexed",
    }
    assert got["handout.pdf"] == "indexed"
    assert got["empty.md"] == "skipped"
    assert got["photo.png"] == "skipped"
    for bad in ("binary.txt", "latin1.txt", "broken.ipynb", "bad-front.md"):
        assert got[bad] == "error", bad
    reasons = {Path(f.path).name: f.reason for f in report.files}
    assert "binary" in reasons["binary.txt"]
    # the good files are searchable, with citations pointing at them
    hits = coach.search("reverse mentoring juniors teach executives", corpus="mine")
    assert hits and hits[0].source == "docs/page.html"
    assert hits[0].title == "Reverse mentoring"


def test_a_second_run_skips_everything_and_changes_nothing(tmp_path, settings):
    folder = mixed_folder(tmp_path / "docs")
    index_paths(settings, [folder], "mine")
    store = Corpus(settings, "mine")
    before = (store.count(), store.all_chunks().ids)
    report = index_paths(settings, [folder], "mine")
    assert report.count("indexed") == 0
    assert report.count("unchanged") == 5
    assert (store.count(), store.all_chunks().ids) == before


def test_changed_files_are_reindexed_and_deleted_files_removed(tmp_path, settings):
    folder = mixed_folder(tmp_path / "docs")
    index_paths(settings, [folder], "mine")
    (folder / "notes.txt").write_text("Completely new text about job shadowing.\n", "utf-8")
    (folder / "guide.md").unlink()
    report = index_paths(settings, [folder], "mine")
    got = statuses(report)
    assert got["notes.txt"] == "indexed"
    assert got["guide.md"] == "removed"
    sources = {m["source"] for m in Corpus(settings, "mine").all_chunks().metadatas}
    assert "docs/guide.md" not in sources
    texts = " ".join(Corpus(settings, "mine").all_chunks().texts)
    assert "job shadowing" in texts and "sabbatical" not in texts


def test_a_missing_path_is_reported_not_fatal(tmp_path, settings):
    report = index_paths(settings, [tmp_path / "nope", mixed_folder(tmp_path / "d")], "mine")
    assert statuses(report)["nope"] == "error"
    assert report.count("indexed") == 5


def test_changing_embeddings_rebuilds_with_a_clear_message(tmp_path, settings, monkeypatch):
    folder = mixed_folder(tmp_path / "docs")
    index_paths(settings, [folder], "mine")
    hashed = Settings(embeddings="offline-hash")
    monkeypatch.setenv("COACH_EMBEDDINGS", "offline-hash")
    reset_settings()
    with pytest.raises(coach.CorpusIndexError, match="mentor-coach index --corpus mine"):
        coach.search("peer circles", corpus="mine")
    report = index_paths(hashed, None, "mine")
    assert any("rebuilding corpus 'mine'" in n for n in report.notices)
    assert report.count("indexed") == 5  # the folder indexed before is rebuilt too
    assert Corpus(hashed, "mine").embedder == "offline-hash-v1-1024"


def test_named_corpora_persist_and_can_be_listed_and_deleted(tmp_path, settings):
    index_paths(settings, [mixed_folder(tmp_path / "a")], "alpha")
    index_paths(settings, [mixed_folder(tmp_path / "b")], "beta")
    from coach.vectorstore import forget_clients

    forget_clients()  # a new process would open the store afresh
    names = {c.name: c for c in list_corpora(settings)}
    assert set(names) == {"alpha", "beta"}
    assert names["alpha"].files == 5 and names["alpha"].chunks >= 5
    assert Corpus(settings, "alpha").drop()
    assert [c.name for c in list_corpora(settings)] == ["beta"]
    with pytest.raises(coach.CorpusIndexError, match="does not exist"):
        coach.search("anything", corpus="alpha")


def test_the_shipped_corpus_is_indexed_on_first_search(settings):
    assert not Corpus(settings, "default").exists()
    hits = coach.search("how often should we meet")
    assert hits
    assert Corpus(settings, "default").count() > 100

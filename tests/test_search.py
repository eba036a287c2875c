import pytest

import coach
from coach import QueryError


def test_results_are_cited_passages(indexed):
    hits = coach.search("how do I ask someone to mentor me", k=5)
    assert 1 <= len(hits) <= 5
    for p in hits:
        assert p.text and p.title and p.section and p.id
        assert p.source.startswith("corpus/") and p.source.endswith(".md")
        assert 0 < p.score <= 1
    assert [p.score for p in hits] == sorted((p.score for p in hits), reverse=True)
    assert hits[0].score == 1.0


def test_k_limits_the_number_of_passages(indexed):
    assert len(coach.search("finding a mentor", k=2)) == 2
    assert len(coach.search("finding a mentor", k=12)) == 12


@pytest.mark.parametrize("k", [0, -1, 101, 2.5, True])
def test_bad_k_is_a_clear_error(indexed, k):
    with pytest.raises(QueryError, match="k must be"):
        coach.search("mentor", k=k)


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_an_empty_query_is_a_clear_error(indexed, query):
    with pytest.raises(QueryError, match="empty"):
        coach.search(query)


def test_a_huge_query_is_refused_with_the_limit(indexed):
    with pytest.raises(QueryError, match=r"too long.*2,000"):
        coach.search("mentor " * 15_000)  # about 100 KB


@pytest.mark.parametrize("query", ["?!?!", "...", "-- // ** ~~"])
def test_pure_punctuation_finds_nothing_without_error(indexed, query):
    assert coach.search(query) == []


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script> mentor",
        "¿Cómo encuentro un mentor? 導師 🚀",
        "'; DROP TABLE chunks; --",
        "\x00\x01 mentor",
    ],
)
def test_odd_queries_never_crash(indexed, query):
    hits = coach.search(query)
    assert all(isinstance(h, coach.Passage) and h.id and h.text for h in hits)
    if "mentor" in query:  # the one searchable word still finds the guides
        assert hits and any("mentor" in h.text.lower() for h in hits)
    # and the index is as it was (nothing in a query reaches the store as code)
    assert coach.search("how often should a mentor and mentee meet", k=1)


def test_the_figures_of_the_reference_articles_are_findable(indexed):
    hits = coach.search("what percentage of CFOs said they had mentored someone", k=3)
    assert any("62 percent" in p.text for p in hits)


def test_everyday_words_reach_the_right_guide(indexed):
    hits = coach.search("my boss could introduce me to a senior leader here", k=5)
    assert any(p.source.endswith("where-to-find-a-mentor.md") for p in hits)


def test_opening_the_index_skips_jsonschemas_slow_iri_checker(indexed):
    """Every workbook kernel that loads the coach imports chromadb, and so jsonschema; its
    optional IRI checker (rfc3987-syntax) would compile grammars for 2.4 s of CPU each time."""
    import os
    import subprocess
    import sys

    code = (
        "import sys, coach; coach.search('mentor', k=1); "
        "print('jsonschema' in sys.modules, sys.modules.get('rfc3987_syntax', 'absent'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["True", "None"]  # jsonschema loaded, the checker skipped

"""The shipped word table is LemmInflect's dictionary, exactly, and reads back right."""

from __future__ import annotations

import pytest

from coach import wordforms

lemminflect = pytest.importorskip("lemminflect", reason="lemminflect is a dev dependency")


def test_the_shipped_table_is_a_fresh_build_of_lemminflects_dictionary():
    assert wordforms.TABLE.read_bytes() == wordforms.build(), (
        "coach/data/wordforms.tsv is stale: run `python -m coach.wordforms`"
    )


def test_every_word_in_the_table_reads_back_as_lemminflect_has_it():
    lines = wordforms.TABLE.read_text(encoding="utf-8").splitlines()[1:]
    assert len(lines) > 60_000
    for line in lines:
        word = line.split("\t", 1)[0]
        forms = wordforms.lookup(word)
        assert forms.pos == frozenset(lemminflect.getAllLemmas(word)), word
        assert forms.verb_lemmas == lemminflect.getAllLemmas(word).get("VERB", ()), word


@pytest.mark.parametrize(
    ("word", "pos", "tags", "lemma"),
    [
        ("runs", {"NOUN", "VERB"}, {"VBZ"}, "run"),
        ("wrote", {"VERB"}, {"VBD"}, "write"),
        ("is", {"AUX", "VERB"}, {"VBZ"}, "be"),
        ("co-founded", set(), set(), ""),  # the table knows words, not compounds
        ("founded", {"VERB"}, {"VBD"}, "found"),
    ],
)
def test_lookups_give_parts_of_speech_tags_and_lemmas(word, pos, tags, lemma):
    forms = wordforms.lookup(word)
    assert forms.pos == pos
    assert forms.verb_tags == tags
    assert (forms.verb_lemmas[0] if forms.verb_lemmas else "") == lemma


@pytest.mark.parametrize(
    "word",
    ["", "zzzzqx", "\t", "a\nb", "\ud800", "ñandú", "'", "~", "ａｂｃ", "a" * 5000, "#"],
)
def test_unknown_and_odd_words_are_unknown_not_errors(word):
    assert wordforms.lookup(word) == wordforms.Forms()
    assert lemminflect.getAllLemmas(word) == {} or word == "'"


def test_the_first_and_last_words_are_found():
    lines = wordforms.TABLE.read_text(encoding="utf-8").splitlines()
    first, last = lines[1].split("\t", 1)[0], lines[-1].split("\t", 1)[0]
    assert wordforms.known(first)
    assert wordforms.known(last)


@pytest.mark.parametrize(
    ("verb", "ing"),
    [("lead", "leading"), ("run", "running"), ("die", "dying"), ("make", "making")],
)
def test_ing_forms(verb, ing):
    assert wordforms.ing_form(verb) == ing
    assert lemminflect.getInflection(verb, tag="VBG")[0] == ing


@pytest.mark.parametrize(("verb", "ing"), [("zorble", "zorbling"), ("frob", "frobing")])
def test_ing_forms_of_verbs_the_table_does_not_know_follow_the_rule(verb, ing):
    assert wordforms.ing_form(verb) == ing

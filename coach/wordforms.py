"""English word forms for the offline composer: parts of speech, verb tags, lemmas, -ing.

The facts come from LemmInflect's dictionary (MIT), precomputed into one sorted text file,
``coach/data/wordforms.tsv``, that this module reads through ``mmap``. Loading LemmInflect
itself costs each kernel about 50 MB and 0.6 s of CPU; a mapped file costs nothing until a
word is looked up, and its pages are shared by every kernel on the machine (the page cache
holds them once), which is what keeps a 30-person workshop inside its memory budget.

One line a word, sorted by the word's UTF-8 bytes::

    word <TAB> parts of speech <TAB> verb lemmas <TAB> verb tags <TAB> auxiliary tags <TAB> -ing

Each field is comma-separated and may be empty. Only lowercase words are looked up.
``python -m coach.wordforms`` rebuilds the file (it needs ``lemminflect``, a dev
dependency); ``tests/test_wordforms.py`` checks the shipped file against a fresh build.
"""

from __future__ import annotations

import mmap
import sys
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

TABLE = Path(__file__).parent / "data" / "wordforms.tsv"
_HEADER = b"# word\tpos\tverb_lemmas\tverb_tags\taux_tags\ting\n"


class Forms(NamedTuple):
    """What the dictionary knows about one word (empty tuples when it does not know it)."""

    pos: frozenset[str] = frozenset()  # 'NOUN', 'VERB', 'ADJ', 'ADV', 'AUX'
    verb_lemmas: tuple[str, ...] = ()  # 'ran' -> ('run',)
    verb_tags: frozenset[str] = frozenset()  # Penn tags as a verb: 'ran' -> {'VBD'}
    aux_tags: frozenset[str] = frozenset()  # tags as an auxiliary: 'has' -> {'VBZ'}
    ing: str = ""  # a verb lemma's -ing form: 'run' -> 'running'


_UNKNOWN = Forms()


@lru_cache(maxsize=1)
def _table() -> mmap.mmap:
    with TABLE.open("rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _line(word: bytes) -> bytes:
    """The table's line for ``word``, or b'' (a binary search over line starts)."""
    mm = _table()
    lo, hi = len(_HEADER), len(mm)
    while lo < hi:
        newline = mm.rfind(b"\n", lo, (lo + hi) // 2)
        start = newline + 1 if newline >= 0 else lo
        end = mm.find(b"\n", start)
        end = len(mm) if end < 0 else end
        tab = mm.find(b"\t", start, end)
        here = mm[start:tab]
        if here == word:
            return mm[start:end]
        if here < word:
            lo = end + 1
        else:
            hi = start
    return b""


def _set(field: str) -> frozenset[str]:
    return frozenset(field.split(",")) if field else frozenset()


@lru_cache(maxsize=16384)
def lookup(word: str) -> Forms:
    """What the dictionary knows about lowercase ``word``."""
    if not word or "\t" in word or "\n" in word:
        return _UNKNOWN
    line = _line(word.encode("utf-8", "surrogatepass"))
    if not line:
        return _UNKNOWN
    _, pos, lemmas, tags, aux, ing = line.decode("utf-8").split("\t")
    return Forms(_set(pos), tuple(lemmas.split(",")) if lemmas else (), _set(tags), _set(aux), ing)


def known(word: str) -> bool:
    """Whether lowercase ``word`` is in the dictionary at all."""
    return bool(lookup(word).pos)


def ing_form(verb: str) -> str:
    """The -ing form of a verb ('lead' -> 'leading', 'run' -> 'running'); by rule when the
    dictionary does not know the verb."""
    forms = lookup(verb)
    if forms.ing:
        return forms.ing
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    return verb + "ing"


def warm() -> None:
    """Map the table now (a pre-heated page does this before anyone opens it)."""
    lookup("runs")


# -- building the table (a dev step: needs lemminflect) -----------------------------------


def _build_line(word: str) -> str | None:
    import lemminflect

    lemmas = lemminflect.getAllLemmas(word)
    if not lemmas:
        return None

    def tags_for(upos: str) -> set[str]:
        tags: set[str] = set()
        for lemma in lemmas.get(upos, ()):
            for tag, forms in lemminflect.getAllInflections(lemma, upos="VERB").items():
                if word in forms:
                    tags.add(tag)
        return tags

    verb_lemmas = lemmas.get("VERB", ())
    verb_tags = tags_for("VERB")
    aux_tags = tags_for("AUX") - verb_tags
    ing = ""
    if "VERB" in lemmas and word in verb_lemmas:
        found = lemminflect.getInflection(word, tag="VBG")
        ing = found[0] if found else ""
    fields = [
        word,
        ",".join(sorted(lemmas)),
        ",".join(verb_lemmas),
        ",".join(sorted(verb_tags)),
        ",".join(sorted(aux_tags)),
        ing,
    ]
    if any("\t" in f or "\n" in f for f in fields):
        return None
    return "\t".join(fields)


def build() -> bytes:
    """The table's bytes, built from lemminflect's dictionary."""
    from lemminflect.core.Lemmatizer import Lemmatizer

    lemmatizer = Lemmatizer()
    words = {w.lower() for w in lemmatizer._getLemmaDict()}
    words |= {w.lower() for w in lemmatizer._getOverridesDict()}
    lines = [line for w in words if (line := _build_line(w))]
    body = sorted(line.encode("utf-8") for line in lines)
    return _HEADER + b"\n".join(body) + b"\n"


def main() -> int:
    data = build()
    TABLE.write_bytes(data)
    words = data.count(b"\n") - 1
    print(f"wrote {TABLE} ({len(data) // 1024} KB, {words} words)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Names, headlines and articles for the offline composer.

Names are parsed with ``nameparser`` (titles, particles, suffixes, nicknames), imported on
first use; headlines are cut to their first segment and lowercased only where that is safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from coach import wordforms

__all__ = ["PersonName", "article", "first_name", "greeting_name", "headline_role", "parse_name"]

# "Dr.Anna Weiss" -> "Dr. Anna Weiss", so the title parses as a title.
_GLUED_TITLE = re.compile(r"\b(Dr|Prof|Mr|Mrs|Ms|Mx|Rev|Sir|Dame)\.(?=\w)", re.IGNORECASE)


@dataclass(frozen=True)
class PersonName:
    """A name in parts: 'Dr. Anna Weiss' -> title 'Dr.', first 'Anna', last 'Weiss'."""

    full: str
    title: str = ""
    first: str = ""
    last: str = ""
    nickname: str = ""

    @property
    def plain(self) -> str:
        """The name without its title: how a person signs ('Anna Weiss')."""
        if not self.title:
            return self.full
        rest = self.full.strip()[len(self.title) :].strip(" ,")
        return rest if rest and self.title == self.full.strip()[: len(self.title)] else self.full


@lru_cache(maxsize=512)
def parse_name(name: str) -> PersonName:
    """The parts of ``name`` (parsed once per name; ``nameparser`` is imported on first use)."""
    from nameparser import HumanName

    from coach.language_notes import clean_text  # a name with markup is greeted without it

    text = " ".join(_GLUED_TITLE.sub(r"\1. ", clean_text(name) or name).split())
    try:
        h = HumanName(text)
        parts = (h.title, h.first, h.last, h.nickname)
    except Exception:  # nameparser is forgiving; a name it cannot read is kept whole
        parts = ("", "", "", "")
    title, first, last, nick = (str(p).strip() for p in parts)
    # Keep only what was really in the name (the checks look for the greeting in the text).
    keep = [p if p and p.lower() in text.lower() else "" for p in (title, first, last, nick)]
    return PersonName(text, *keep)


def greeting_name(name: str, formal: bool = False) -> str:
    """How to greet a person: 'Dr. Anna Weiss' -> 'Anna', or 'Dr. Weiss' when ``formal``.

    A mononym is used whole ('Cher'); a name with a title but no given name keeps the title
    ('Dr. Weiss'), never the title alone; particles stay with the surname ('van der Berg').
    """
    p = parse_name(name)
    if formal and p.title and p.last:
        return f"{p.title} {p.last}"
    if p.nickname and not formal:
        return p.nickname
    if p.first and p.first.lower() != p.title.lower():
        return p.first
    if p.title and p.last:
        return f"{p.title} {p.last}"
    return p.last or " ".join(name.split()) or name


def first_name(name: str) -> str:
    """The name a greeting or sign-off uses ('Dr. Anna Weiss' -> 'Anna', 'Cher' -> 'Cher')."""
    return greeting_name(name) or (name.split() or [name])[0]


# Headlines: "Customer Success Manager | SaaS | ex-retail" -> "customer success manager".
_SEGMENT = re.compile(r"\s*(?:[|·•/]|\s[-–—]\s|\s@\s)\s*")
_SMALL = {"of", "and", "at", "for", "in", "on", "the", "to", "with", "a", "an", "&"}
# Titles that by convention keep the capitals of what follows ("VP of Sales").
_EXEC = {"VP", "SVP", "EVP", "AVP", "CEO", "CTO", "CFO", "COO", "CMO", "CPO", "CIO", "CISO"}
# Capitalised names that are also ordinary English words.
_BRANDS = {
    "google", "apple", "amazon", "python", "java", "ruby", "rust", "swift", "go", "excel",
    "word", "teams", "slack", "oracle", "shell", "target", "uber", "meta", "notion", "figma",
    "android", "linux", "windows", "office", "azure", "spark", "kafka", "salesforce",
}  # fmt: skip
_ORG_BREAK = {"at", "@", "for", "with"}


@lru_cache(maxsize=2048)
def _common_word(word: str) -> bool:
    """Whether ``word`` (lowercase) is an ordinary English word (the dictionary knows it)."""
    return wordforms.known(word) or word in _SMALL


def headline_role(headline: str) -> str:
    """The first segment of a headline, in lower case where that is safe.

    Acronyms and brand capitals stay ('PhD student', 'iOS engineer', 'SaaS', 'VP of Sales');
    so does everything after 'at' (an organization's name).
    """
    text = " ".join(headline.split())
    segment = next((s for s in _SEGMENT.split(text) if s.strip(" ,;-")), "").strip(" ,;-")
    words = segment.split(" ")
    if not words or not words[0] or words[0].rstrip(",") in _EXEC:
        return segment
    shouting = segment.isupper() and sum(w.isalpha() for w in words) > 1
    out: list[str] = []
    in_org = False
    for w in words:
        bare = w.strip(",;:()")
        if bare.lower() in _ORG_BREAK and out:
            in_org = True
        lower = bare.lower()
        titled = bare[:1].isupper() and (bare[1:].islower() or not bare[1:] or shouting)
        safe = titled and not in_org and lower not in _BRANDS
        parts = lower.split("-")
        if safe and all(p and (p.isalpha() and _common_word(p)) for p in parts):
            w = w.replace(bare, lower)
        out.append(w)
    return " ".join(out)


_LETTER_VOWEL = set("AEFHILMNORSX")  # letters whose names start with a vowel sound
_A_BEFORE = ("uni", "use", "usu", "uti", "eu", "ewe", "one", "once", "ubi", "ure", "uro")
_AN_BEFORE = ("hour", "honest", "honor", "honour", "heir")
_NO_ARTICLE = {
    "a", "an", "the", "my", "our", "your", "head", "chief", "founder", "co-founder",
    "cofounder", "currently", "now", "formerly", "helping", "building", "leading",
}  # fmt: skip


def _sounds_like_vowel(word: str) -> bool:
    core = word.strip("\"'“‘(")
    if not core:
        return False
    letters = re.sub(r"[^A-Za-z]", "", core.split("-")[0])
    if not letters:
        return False
    # An acronym is said letter by letter: "an MBA", "a UX designer", "an iOS engineer".
    if (letters.isupper() and len(letters) <= 5) or re.fullmatch(r"[a-z][A-Z]\w*", letters):
        return letters[0].upper() in _LETTER_VOWEL if letters.isupper() else True
    if re.fullmatch(r"[A-Z][a-z]*[A-Z]\w*", letters):  # "PhD", "SaaS": the first letter
        return letters[0] in "AEIO"
    low = letters.lower()
    if low.startswith(_AN_BEFORE):
        return True
    if low.startswith(_A_BEFORE):
        return False
    return low[0] in "aeiou"


def article(phrase: str) -> str:
    """``phrase`` with 'a' or 'an' in front when it needs one ('an MBA student')."""
    if not phrase:
        return ""
    first = phrase.split()[0]
    if first.lower() in _NO_ARTICLE or not first[0].isalpha() or first.lower().endswith("ing"):
        return phrase
    return ("an " if _sounds_like_vowel(first) else "a ") + phrase

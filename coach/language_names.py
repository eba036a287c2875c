"""Names, headlines and articles for the offline composer.

Names are parsed with ``nameparser`` (titles, particles, suffixes, nicknames), imported on
first use; headlines are cut to their first segment and lowercased only where that is safe.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from coach import wordforms
from coach.language_words import ROLES, clean_text

__all__ = [
    "SEPARATOR",
    "PersonName",
    "article",
    "first_name",
    "greeting_name",
    "headline_role",
    "parse_name",
]

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

    # a name with markup is greeted without it
    text = " ".join(_GLUED_TITLE.sub(r"\1. ", clean_text(name) or name).split())
    try:
        h = HumanName(text)
        parts = (h.title, h.first, h.last, h.nickname)
    except Exception:  # noqa: BLE001 (a name it cannot read: kept whole)
        parts = ("", "", "", "")
    title, first, last, nick = (str(p).strip() for p in parts)
    # Keep only what was really in the name (the checks look for the greeting in the text).
    keep = [p if p and p.lower() in text.lower() else "" for p in (title, first, last, nick)]
    return PersonName(text, *keep)


# Names whose order we cannot be sure of. Vietnamese, Chinese and Korean names are often
# written family name first ("Nguyễn Văn An", "Kim Min-jun"), and nameparser then takes the
# family name for the given one: "Hi Nguyễn" greets a family, not a person. We cannot know
# the order for sure ("Lee Anne Jones", "Kim Smith" are given-name first), so when the first
# word is one of these very common family names (compared without diacritics) and the name
# has three or more words, or two with a hyphenated given name ("Min-jun"), the greeting
# uses the whole name: never wrong, merely formal.
_FAMILY_FIRST = frozenset(
    """nguyen tran le pham hoang huynh phan vu vo dang bui do ho ngo duong ly
    wang li zhang liu chen yang huang zhao wu zhou xu sun zhu hu guo lin luo
    kim lee park choi jung jeong kang cho yoon jang lim""".split()
)
_GIVEN_HYPHENATED = re.compile(r"[^\W\d_][^\W\d_]*-[^\W\d_A-Z][^\W\d_]*")
# Patronymic connectors in Malay and Tamil names: "Ahmad bin Ismail" is Ahmad, son of Ismail
# (there is no family name), so the person is greeted, formally too, by what comes before.
_PATRONYMIC = frozenset({"bin", "binti", "binte", "bte", "bt", "a/l", "a/p", "s/o", "d/o"})


def _folded(word: str) -> str:
    """``word`` lower-cased without diacritics ('Nguyễn' -> 'nguyen', 'Đặng' -> 'dang')."""
    import unicodedata

    text = unicodedata.normalize("NFKD", word.lower().replace("đ", "d"))
    return "".join(c for c in text if not unicodedata.combining(c))


def _own_name(p: PersonName) -> str:
    """The name to greet a person by when the usual given/family split does not apply:
    the whole name for a family-name-first name, the part before a patronymic connector
    ('Ahmad' of 'Ahmad bin Ismail'); '' otherwise."""
    words = p.plain.split()
    given = next((i for i, w in enumerate(words) if i and w.lower() in _PATRONYMIC), 0)
    if given:
        return " ".join(words[:given])
    if (
        words
        and _folded(words[0]) in _FAMILY_FIRST
        and (len(words) >= 3 or (len(words) == 2 and _GIVEN_HYPHENATED.fullmatch(words[1])))
    ):
        return " ".join(words)
    return ""


def greeting_name(name: str, formal: bool = False) -> str:
    """How to greet a person: 'Dr. Anna Weiss' -> 'Anna', or 'Dr. Weiss' when ``formal``.

    A mononym is used whole ('Cher'); a name with a title but no given name keeps the title
    ('Dr. Weiss'), never the title alone; particles stay with the surname ('van der Berg').
    A name that may be written family name first is greeted whole ('Nguyễn Văn An'), and a
    Malay or Tamil name by the part before 'bin', 'binti' or 'a/l' ('Dr. Ahmad').
    """
    p = parse_name(name)
    own = _own_name(p)
    if own:
        return f"{p.title} {own}" if formal and p.title else own
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
# A separator: a bar, bullet, middle dot or arrow anywhere; a slash, dash or "@" between
# spaces (so "UX/UI designer" and "co-founder" stay whole).
SEPARATOR = re.compile(r"\s*(?:[|·•»→⟶➔➜⇒►▸]|\s(?:[-–—/>@]|->|=>|>>)\s)\s*")
_SEGMENT = SEPARATOR
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
# Ordinary words of working life the dictionary does not know ("Head of Patient Apps").
_NEW_WORDS = {"app", "apps", "fintech", "healthtech", "edtech", "startup", "startups", "ops"}


@lru_cache(maxsize=2048)
def _common_word(word: str) -> bool:
    """Whether ``word`` (lowercase) is an ordinary English word (the dictionary knows it, or
    its singular: 'apps')."""
    if wordforms.known(word) or word in _SMALL or word in _NEW_WORDS:
        return True
    return len(word) > 3 and word.endswith("s") and wordforms.known(word[:-1])


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
        parts = re.split(r"[-/]", lower)
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


# Where a role's head noun ends: "data analyst | moving into ...", "VP | of Sales".
_HEAD_ENDS = {
    "at", "in", "for", "of", "with", "on", "into", "from", "to", "by", "and", "&", "or",
    "who", "a", "an", "the", "my", "our", "their", "your", "de", "del", "da", "do", "di", "du",
}  # fmt: skip
# Heads that name a field, not a person: "I'm Sam, data analytics", never "a data analytics".
_MASS = frozenset(
    """management marketing research engineering design finance data strategy consulting
    healthcare education software technology tech fintech product development security
    compliance law medicine nursing hr it operations sales advertising accounting recruitment
    recruiting leadership media content growth support procurement logistics insurance banking
    publishing journalism policy ux ui""".split()
)
# People, besides the role words: what an "-ing" word in front of a head noun describes.
_PEOPLE = frozenset(
    """nurse student intern trainee chef coach lead head midwife paramedic assistant
    associate apprentice graduate manager""".split()
)


def _is_person(word: str) -> bool:
    return (
        word in ROLES
        or word in _PEOPLE
        or word.endswith(("er", "or", "ist", "ian", "ant", "ent", "eer", "ee"))
    )


def _plural(word: str) -> bool:
    return word.islower() and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _head_words(words: list[str]) -> list[str]:
    """The words of a role up to its head noun ('marketing coordinator' of 'marketing
    coordinator at X'; 'data analyst' of 'data analyst moving into ...'), bare."""
    out: list[str] = []
    for n, w in enumerate(words):
        bare = w.strip(",;:.!?\"'“”‘’").lower()
        if not bare or w.startswith("(") or bare in _HEAD_ENDS:
            break
        if n and bare.endswith("ing") and wordforms.lookup(bare).verb_tags == {"VBG"}:
            break  # "moving into", "working with"
        out.append(bare)
        if w.endswith((",", ";", ":")):
            break
    return out


def _needs_article(phrase: str) -> bool:
    """Whether a role reads as one person ('marketing coordinator', 'aspiring product
    manager'), not an activity ('leading a team', 'helping founders grow'), a plural or
    uncountable ('product managers', 'data analytics'), or a participle ('recommended by')."""
    words = phrase.split()
    first = words[0]
    low = first.lower()
    if low in _NO_ARTICLE or not first[0].isalpha() or not re.search(r"[A-Za-z]", first):
        return False
    if re.search(r"['’]s$", first):
        return False  # "Sam's old manager"
    nxt = words[1].lower() if len(words) > 1 else ""
    if nxt == "by" and wordforms.lookup(low).verb_tags & {"VBD", "VBN"}:
        return False  # "recommended by my manager" is no role
    head = _head_words(words)
    if not head:
        return True
    last = head[-1]
    if _plural(last) or last in _MASS:
        return False
    part = wordforms.lookup(low.split("-")[-1])
    described = "ADJ" in part.pos or (low.endswith("ed") and part.verb_tags & {"VBD", "VBN"})
    if len(words) == 1 and "NOUN" not in part.pos and described:
        return False  # "retired", "self-employed"
    if low.endswith("ing"):  # "marketing coordinator", but not "leading a team"
        return len(head) > 1 and _is_person(last) and not any(map(_plural, head))
    titled = all(w[:1].isupper() and not w.isupper() for w in words)
    # a proper name ("Monzo") takes none
    return not (titled and not wordforms.known(last) and not _is_person(last))


def article(phrase: str) -> str:
    """``phrase`` with 'a' or 'an' in front when it needs one ('an MBA student', 'a
    marketing coordinator'), and as it is when it does not ('product managers', 'head of
    data', 'leading a team', '数据分析师')."""
    if not phrase or not phrase.split():
        return phrase
    if not _needs_article(phrase):
        return phrase
    return ("an " if _sounds_like_vowel(phrase.split()[0]) else "a ") + phrase

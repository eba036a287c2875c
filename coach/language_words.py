"""Text cleaning and word lists shared by names (:mod:`coach.language_names`) and notes
(:mod:`coach.language_notes`).

Kept apart so the dependency runs one way: ``language_notes`` uses ``language_names``, and
both use this module, which uses neither.
"""

from __future__ import annotations

import html
import re
import unicodedata

__all__ = ["ROLES", "clean_text"]

_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?(?:</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"</?[A-Za-z!?/][^>]*>|<[^>\s]*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_JUNK = re.compile(
    r"(?:https?://|www\.|javascript:)\S*|\$\{[^}]*\}?|\{[^}]*\}|\[[^\]]*\]|\bX{2,}\b|\bTODO\b"
    r"|\blorem ipsum\b|\*\*|__|`+|[{}<>\[\]\\^~=*#_]",
    re.IGNORECASE,
)
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}?\b(?:instructions?|prompts?|rules?"
    r"|above|previous|everything|guidelines)\b|\b(?:system|developer|hidden) (?:prompt|message)"
    r"|\byou are now\b|\bact as\b|\bpretend (?:to be|you)\b|\bjailbreak|\bnew instructions?\b"
    r"|\breveal\b.{0,30}?\b(?:prompt|instructions?|secrets?|keys?)\b|\bdo not follow\b"
    r"|\bas an ai\b|\bprompt injection\b|\bsudo\b|\balert\s*\(|\beval\s*\(|\bdrop table\b",
    re.IGNORECASE,
)
_DROPPED = {"Cc", "Cf", "Cs", "Co", "Cn", "So"}  # controls, invisible marks, emoji
_GAP = {c: "" for c in "\u200b\u200c\u200d\u2060\ufeff\u00ad"}  # zero-width: no gap


def clean_text(text: str) -> str:
    """``text`` without markup, links, template syntax, control characters or clauses that
    read as instructions ('ignore all previous instructions'); whitespace normalised."""
    text = html.unescape(html.unescape(text))
    text = _TAG.sub(" ", _SCRIPT.sub(" ", text))
    text = _MD_LINK.sub(r"\1", text)
    text = "".join(
        c if c in "\n\t" or unicodedata.category(c) not in _DROPPED else _GAP.get(c, " ")
        for c in unicodedata.normalize("NFC", text)
    )
    text = _JUNK.sub(" ", text)
    kept = [s for s in re.split(r"(?<=[.;!?\n])", text) if not _INSTRUCTION.search(s)]
    text = "".join(kept)
    text = re.sub(r"[ \t]+", " ", text)
    text = re.sub(r"\s*\n\s*", "\n", text)
    text = re.sub(r"\(\s*\)|\s+(?=[,.;:!?)])|([,.;:!?])(?=[,.;:!?])", "", text)
    return text.strip(" \n,;:-")


# Words for what a person is or does: a note's "former tech lead at X" names a role, and a
# headline's head noun ("marketing coordinator") a person.
ROLES = set(
    """lead leader manager director head founder co-founder cofounder engineer developer designer
    researcher scientist analyst consultant advisor adviser coach mentor teacher lecturer
    professor author writer speaker host organiser organizer member volunteer chair president
    officer owner partner architect specialist strategist editor journalist nurse doctor
    physician surgeon lawyer accountant colleague friend neighbour neighbor classmate alumna
    alumnus alum graduate student intern executive entrepreneur investor trainer facilitator
    recruiter marketer expert practitioner veteran pioneer evangelist advocate ambassador fellow
    trustee governor principal dean contributor maintainer creator producer programmer
    administrator coordinator supervisor captain cto ceo cfo coo vp pm""".split()
)

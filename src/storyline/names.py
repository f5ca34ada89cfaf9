"""Name keys: spellings of one name that transliteration varies map to one key.

"Sergei"/"Sergey", "Marzouk"/"Marzuk", "Sarkisov"/"Sarkissov" give the same key; the key is
used to merge mentions into one actor within an article and across the corpus.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_SUBS = [
    (r"kh", "h"), (r"ck", "k"), (r"q", "k"), (r"c(?=[aou])", "k"), (r"ph", "f"), (r"ou", "u"), (r"oo", "u"),
    (r"ee", "i"), (r"ey\b", "ei"), (r"y", "i"), (r"ie\b", "i"), (r"ij", "i"), (r"w", "v"), (r"dzh", "j"),
    (r"zh", "j"), (r"j", "j"), (r"sch", "sh"), (r"tch", "ch"), (r"x", "ks"), (r"e", "i"), (r"o", "u"),
]
_PREFIXES = {"al", "el", "ad", "ash", "as", "at", "an", "ar", "az", "ad-", "bin", "ibn", "ben", "abu", "abou", "van", "von", "de", "da", "di", "du", "la", "le"}


def fold(s: str) -> str:
    """Lower case, accents removed, apostrophes and dashes dropped."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return re.sub(r"[\u2019'`\-.]", "", s.lower())


@lru_cache(maxsize=65536)  # pure, and called for every name word of every article
def word_key(word: str) -> str:
    """Key of one name word: vowels and common transliteration variants folded, doubles removed."""
    w = fold(word)
    for pat, rep in _SUBS:
        w = re.sub(pat, rep, w)
    w = re.sub(r"(.)\1+", r"\1", w)
    w = re.sub(r"h\b", "", w) if len(w) > 3 else w
    return w


def name_words(name: str) -> list[str]:
    return [w for w in re.split(r"[\s]+", name.strip()) if w and re.search(r"\w", w)]


def surname(name: str) -> str:
    """Last word of a person's name, with Arabic prefixes kept ("al-Sheikh")."""
    words = name_words(name)
    if not words:
        return ""
    last = words[-1]
    last = re.sub(r"(?i)^(al|el|ad|as|ash|at|an|ar|az)-", "", last)
    return last


def person_key(name: str) -> str:
    return word_key(surname(name))


def first_key(name: str) -> str:
    words = name_words(name)
    if len(words) < 2:
        return ""
    first = words[0]
    if fold(first) in _PREFIXES:
        return ""
    return word_key(first)


def similar(a: str, b: str) -> bool:
    """Two name keys close enough to be one name (one edit apart for long names)."""
    if a == b:
        return True
    if min(len(a), len(b)) < 6 or abs(len(a) - len(b)) > 1:
        return False
    # one edit apart
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def same_person(a: str, b: str) -> bool:
    """Could the names a and b be one person? Surnames must match; first names must not clash."""
    if not similar(person_key(a), person_key(b)):
        return False
    fa, fb = first_key(a), first_key(b)
    if fa and fb and not (similar(fa, fb) or fa[0] == fb[0] and (len(fa) <= 2 or len(fb) <= 2)):
        return False
    return True

"""Normalising council names into lookup keys.

Two keys per name:

* ``exact_key`` — case, accents, ``&``/``and``, ``St.``/``St`` and punctuation folded, nothing
  removed. It keeps names that only differ by their council-type words apart
  (``Dorset County Council`` ≠ ``Dorset Council``; ``City of London`` ≠ ``London``).
* ``core_key`` — the exact key with council-type prefixes and suffixes stripped
  (``London Borough of``, ``Royal Borough of``, ``City of``, ``Council of the``,
  ``Metropolitan Borough Council``, ``County Council``, ``, City of``...), so the many ways a
  council is printed collapse onto its place name.

Lookups try the exact key first, then the core key. Nothing fuzzy happens here: a name either
normalises onto a known key or it does not resolve.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "–": "-", "—": "-"})
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Longest first within each list, applied repeatedly until nothing changes.
_PREFIXES = (
    "the ",
    "council of the ",
    "city and county of ",
    "london borough of ",
    "royal borough of ",
    "metropolitan borough of ",
    "borough council of ",
    "borough of ",
    "county borough of ",
    "city of ",
    "county of ",
    "county ",
)
_SUFFIXES = (
    " local safeguarding children board",
    " safeguarding children board",
    " safeguarding children partnership",
    " children and families trust",
    " childrens services",
    " children s services",
    " local authority",
    " metropolitan district council",
    " metropolitan borough council",
    " district metropolitan council",
    " metropolitan council",
    " metropolitan district",
    " metropolitan borough",
    " unitary authority",
    " borough council",
    " county council",
    " district council",
    " city council",
    " council",
    " city of",
    " county of",
    " borough",
    " district",
    " city",
    " corporation",
)
# Stripping must never turn a council into a region or empty string ("City of London" is a
# council, "London" is a region).
_PROTECTED_CORES = frozenset({"", "london", "england"})


@lru_cache(maxsize=65536)
def exact_key(name: str) -> str:
    """Fold case, accents, ampersands and punctuation: ``'St. Helens'`` → ``'st helens'``."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    text = text.translate(_APOSTROPHES).lower()
    text = text.replace("&", " and ")
    text = re.sub(r"\bst\.", "st ", text)
    text = re.sub(r"\bsaint\b", "st", text)
    text = re.sub(r"'s\b", "s", text)
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=65536)
def core_key(name: str) -> str:
    """Strip council-type words: ``'London Borough of Barking & Dagenham'`` → ``'barking and dagenham'``."""
    key = exact_key(name)
    changed = True
    while changed:
        changed = False
        for prefix in _PREFIXES:
            if key.startswith(prefix) and key[len(prefix) :] not in _PROTECTED_CORES:
                key = key[len(prefix) :]
                changed = True
        for suffix in _SUFFIXES:
            if key.endswith(suffix) and key[: -len(suffix)] not in _PROTECTED_CORES:
                key = key[: -len(suffix)]
                changed = True
    return key


def slugify(name: str) -> str:
    """URL slug: ``'Bournemouth, Christchurch and Poole'`` → ``'bournemouth-christchurch-and-poole'``."""
    return exact_key(name).replace(" ", "-")

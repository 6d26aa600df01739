"""Resolve council names, Ofsted URNs and ONS codes to the DfE ``la_code``.

Reads the committed register tables (``data/processed/council_*.csv``) once, into dicts; a
lookup is then a cached normalisation plus a dict hit. Nothing is guessed: a name that does not
normalise onto a known alias raises :class:`UnresolvedCouncil`, naming the input file and the
closest known names.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path

import pandas as pd

from ofsted_record import config
from ofsted_record.register.curated import AGGREGATE_NAMES
from ofsted_record.register.normalise import core_key, exact_key
from ofsted_record.tables import read_csv


class UnresolvedCouncil(LookupError):
    """A name or code that does not identify exactly one council."""


_OPEN_START, _OPEN_END = "0000-00-00", "9999-99-99"
_AGGREGATE_KEYS = frozenset(exact_key(n) for n in AGGREGATE_NAMES)


def _day(on: date | None) -> date | None:
    """Accept dates, datetimes and pandas Timestamps (compared as ISO day strings)."""
    return on.date() if isinstance(on, datetime) else on


def _where(source: str) -> str:
    return f" (in {source})" if source else ""


@dataclass(frozen=True)
class _Entry:
    la_code: str
    valid_from: str
    valid_to: str


class CouncilRegister:
    """In-memory lookups over one folder of register tables."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        missing = [
            name
            for name in (
                "councils.csv",
                "council_names.csv",
                "council_codes.csv",
                "council_urns.csv",
            )
            if not (folder / name).exists()
        ]
        if missing:
            raise FileNotFoundError(
                f"{folder}: register tables {missing} missing; run `ofsted-record register`"
            )
        self.councils = read_csv(folder / "councils.csv")
        self.labels = {
            r.la_code: f"{r.short_name} ({r.la_code})"
            for r in self.councils.itertuples(index=False)
        }
        self.names: dict[str, tuple[_Entry, ...]] = {}
        grouped: dict[str, list[_Entry]] = {}
        for r in read_csv(folder / "council_names.csv").fillna("").itertuples(index=False):
            grouped.setdefault(r.alias, []).append(
                _Entry(r.la_code, r.valid_from or _OPEN_START, r.valid_to or _OPEN_END)
            )
        self.names = {k: tuple(v) for k, v in grouped.items()}
        self.urns = {
            r.urn: r.la_code for r in read_csv(folder / "council_urns.csv").itertuples(index=False)
        }
        self.ons: dict[str, _Entry] = {}
        for r in read_csv(folder / "council_codes.csv").fillna("").itertuples(index=False):
            if r.ons_code in self.ons and self.ons[r.ons_code].la_code != r.la_code:
                raise ValueError(
                    f"{folder / 'council_codes.csv'}: {r.ons_code} maps to two councils"
                )
            self.ons[r.ons_code] = _Entry(
                r.la_code, r.valid_from or _OPEN_START, r.valid_to or _OPEN_END
            )
        self._resolve = lru_cache(maxsize=65536)(self._resolve_uncached)

    # -- names -------------------------------------------------------------------------------
    def resolve_name(self, name: str, on: date | None = None, source: str = "") -> str:
        result = self._resolve(str(name), _day(on))
        if isinstance(result, str):
            return result
        raise UnresolvedCouncil(result[0] + _where(source) + result[1])

    def _resolve_uncached(self, name: str, on: date | None) -> str | tuple[str, str]:
        keys = (exact_key(name), core_key(name))
        for key in keys:
            entries = self.names.get(key)
            if not entries:
                continue
            if len(entries) == 1:
                return entries[0].la_code
            when = (on or date.today()).isoformat()
            hits = [e.la_code for e in entries if e.valid_from <= when <= e.valid_to]
            if len(hits) == 1:
                return hits[0]
            options = ", ".join(
                f"{self.labels[e.la_code]} {e.valid_from.replace(_OPEN_START, '…')} to "
                f"{e.valid_to.replace(_OPEN_END, '…')}"
                for e in entries
            )
            return (f"council name {name!r} is ambiguous on {when}", f": it names {options}")
        if " / " in name:
            return (
                f"council name {name!r} is a joint row of several councils",
                "; use resolve_joint()",
            )
        if keys[0] in _AGGREGATE_KEYS or keys[1] in _AGGREGATE_KEYS:
            return (f"{name!r} is England or a region, not a council", "")
        close = difflib.get_close_matches(keys[1], list(self.names), n=5, cutoff=0.6)
        labels = []
        for alias in close:
            for entry in self.names[alias]:
                label = f"{alias!r} → {self.labels[entry.la_code]}"
                if label not in labels:
                    labels.append(label)
        hint = f"; close matches: {', '.join(labels)}" if labels else "; no close matches"
        return (f"council name {name!r} not recognised (normalised {keys[1]!r})", hint)

    def resolve_joint(self, name: str, on: date | None = None, source: str = "") -> tuple[str, ...]:
        return tuple(self.resolve_name(part.strip(), on, source) for part in str(name).split(" / "))

    # -- codes -------------------------------------------------------------------------------
    def la_code_for_urn(self, urn: int | str, source: str = "") -> str:
        key = str(urn).strip()
        if key.endswith(".0"):
            key = key[:-2]
        try:
            return self.urns[key]
        except KeyError:
            raise UnresolvedCouncil(
                f"Ofsted provider URN {urn!r}{_where(source)} is not a council's children's services "
                f"URN in {self.folder / 'council_urns.csv'}"
            ) from None

    def la_code_for_ons(self, ons_code: str, on: date | None = None, source: str = "") -> str:
        code = str(ons_code).strip().upper()
        on = _day(on)
        entry = self.ons.get(code)
        if entry is None:
            close = difflib.get_close_matches(code, list(self.ons), n=3, cutoff=0.8)
            raise UnresolvedCouncil(
                f"ONS code {ons_code!r}{_where(source)} is not a council in council_codes.csv"
                + (f"; close: {', '.join(close)}" if close else "")
            )
        if on is not None and not (entry.valid_from <= on.isoformat() <= entry.valid_to):
            raise UnresolvedCouncil(
                f"ONS code {code}{_where(source)} ({self.labels[entry.la_code]}) was not in use on "
                f"{on.isoformat()}: valid {entry.valid_from} to {entry.valid_to.replace(_OPEN_END, 'now')}"
            )
        return entry.la_code


def is_aggregate_name(name: str) -> bool:
    """True for England / region / inner-outer London rows of statistics files."""
    return exact_key(name) in _AGGREGATE_KEYS or core_key(name) in _AGGREGATE_KEYS


@cache
def default_register() -> CouncilRegister:
    return CouncilRegister(config.processed_dir())


def reload() -> None:
    """Forget the loaded tables (after ``ofsted-record register`` rewrote them)."""
    default_register.cache_clear()


def load_councils() -> pd.DataFrame:
    """``data/processed/councils.csv`` with every column as text (empty cells as NA)."""
    return read_csv(config.processed_dir() / "councils.csv")


def resolve_name(name: str, *, on: date | None = None, source: str = "") -> str:
    """The ``la_code`` of a council name as printed anywhere; ``on`` picks between councils that
    shared a name (Dorset: 835 until 31 March 2019, 838 from 1 April 2019; default today)."""
    return default_register().resolve_name(name, on, source)


def resolve_joint(name: str, *, on: date | None = None, source: str = "") -> tuple[str, ...]:
    """``la_code``s of a joint statistics row such as ``'Kingston upon Thames / Richmond upon Thames'``."""
    return default_register().resolve_joint(name, on, source)


def la_code_for_urn(urn: int | str) -> str:
    """The ``la_code`` of an Ofsted provider URN (children's services of a council)."""
    return default_register().la_code_for_urn(urn)


def la_code_for_ons(ons_code: str, *, on: date | None = None) -> str:
    """The ``la_code`` of an ONS code; with ``on``, the code must have been in use that day."""
    return default_register().la_code_for_ons(ons_code, on)

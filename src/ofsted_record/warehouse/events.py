"""The vocabulary of government intervention events in the shared interventions table.

One list for the warehouse (table ``intervention_events``), the charts and the site, so a new
event in the input is an error until it is described here, never a silently unlabelled mark.
"""

from __future__ import annotations

from typing import NamedTuple


class Event(NamedTuple):
    label: str  # plain words for readers
    kind: str  # 'start' (an intervention begins), 'change' (its form changes), 'end'


INTERVENTION_EVENTS: dict[str, Event] = {
    "improvement_notice": Event("Improvement notice", "start"),
    "statutory_direction": Event("Statutory direction", "start"),
    "partnership_direction": Event("Direction to work with a partner council", "start"),
    "commissioner_appointed": Event("Commissioner appointed", "start"),
    "direction_revised": Event("Direction revised", "change"),
    "trust_launched": Event("Children's trust launched", "change"),
    "company_launched": Event("Council-owned company launched", "change"),
    "notice_lifted": Event("Improvement notice lifted", "end"),
    "direction_lifted": Event("Direction lifted", "end"),
    "returned_to_council": Event("Services returned to the council", "end"),
    # A source says intervention ended without naming the instrument (notice or direction).
    "intervention_ended": Event("Intervention ended", "end"),
}


def event_label(event: str) -> str:
    """Plain label of an event code; an unknown code raises so a new value is noticed."""
    try:
        return INTERVENTION_EVENTS[event].label
    except KeyError:
        raise ValueError(
            f"unknown intervention event {event!r}; expected one of {sorted(INTERVENTION_EVENTS)}"
        ) from None

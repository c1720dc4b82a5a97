"""Personal and group names as CSL name objects (family/given, or one literal)."""

from __future__ import annotations

from typing import Any

PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le"})


def split_name(name: str) -> tuple[str, tuple[str, ...]]:
    """(family name, given names) of a personal name: "Corey Bell" -> ("Bell", ("Corey",)).

    "Bell, Corey" is read as family, given. A name without spaces (石破茂, an
    organisation written as one word) is all family name. Particles stay with the
    family name: "Jan van Dijk" -> ("van Dijk", ("Jan",)).
    """
    name = " ".join(name.split())
    if "," in name:
        family_part, given_part = (part.strip() for part in name.split(",", 1))
        return family_part, tuple(given_part.split())
    parts = name.split(" ")
    if len(parts) == 1:
        return name, ()
    family, given = parts[-1], parts[:-1]
    while len(given) > 1 and given[-1].lower() in PARTICLES:
        family = given.pop() + " " + family
    return family, tuple(given)


def csl_name(name: str, groups: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A CSL name: {"family", "given"} for a person, {"literal"} for a group or a one-word
    name (an organisation, or a CJK name written without a space), which styles print whole."""
    if name in groups or " and " in f" {name.lower()} ":
        return {"literal": name}  # "Jones and Partners" is one name, not family "Partners"
    family, given = split_name(name)
    return {"family": family, "given": " ".join(given)} if given else {"literal": family}


def display_name(name: dict[str, Any]) -> str:
    """ "Corey Bell" from {"family": "Bell", "given": "Corey"}; a literal as it is."""
    if "literal" in name:
        return str(name["literal"])
    return f"{name.get('given', '')} {name['family']}".strip()


def inverted_name(name: dict[str, Any]) -> str:
    """ "Bell, Corey", as RIS, COinS and BibTeX take a person; a literal as it is."""
    if "literal" in name:
        return str(name["literal"])
    return f"{name['family']}, {name['given']}" if name.get("given") else str(name["family"])

"""Parsing CTF XML safely, and naming elements in messages.

A CTF comes from outside, so the parser never loads a DTD, never expands entities and never
touches the network, and a file with a DOCTYPE is refused outright: no entity can then be
defined, so none can read local files (XXE) or multiply itself (the "billion laughs").
"""

from __future__ import annotations

from lxml import etree

# Elements that repeat, so a path always says which one: Pupil[3], YearData[1]. Any other
# element is numbered only when it has a sibling of the same name.
ALWAYS_NUMBERED = frozenset({"Pupil", "YearData", "Contact", "Phone"})


class UnsafeOrMalformed(ValueError):
    """The bytes are not a well-formed XML document rollcall is willing to read."""


def parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
        huge_tree=False,
    )
    try:
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        raise UnsafeOrMalformed(f"is not well-formed XML: {exc}") from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise UnsafeOrMalformed(
            "has a DOCTYPE declaration; a CTF needs none, and rollcall refuses them so that no "
            "entity in the file can be expanded"
        )
    return tree.getroot()


def local_name(element: etree._Element) -> str:
    return etree.QName(element).localname


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if isinstance(child.tag, str) and local_name(child) == name]


def child(element: etree._Element, name: str) -> etree._Element | None:
    found = children(element, name)
    return found[0] if found else None


def path_of(element: etree._Element) -> str:
    """An XPath-like name: CTfile/CTFpupilData/Pupil[3]/Attendance/YearData[1]."""
    parts = []
    node: etree._Element | None = element
    while node is not None:
        name = local_name(node)
        parent = node.getparent()
        if name in ALWAYS_NUMBERED or (parent is not None and len(children(parent, name)) > 1):
            index = 1 + sum(
                1
                for sibling in node.itersiblings(preceding=True)
                if isinstance(sibling.tag, str) and local_name(sibling) == name
            )
            name = f"{name}[{index}]"
        parts.append(name)
        node = node.getparent()
    return "/".join(reversed(parts))


def located(element: etree._Element, child_name: str = "") -> str:
    """The path of an element (or of a named child that may be missing) with its line."""
    path = path_of(element)
    if child_name:
        found = child(element, child_name)
        if found is not None:
            return f"{path_of(found)} (line {found.sourceline})"
        return f"{path}/{child_name}"
    return f"{path} (line {element.sourceline})"


def text_of(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return (element.text or "").strip()

"""Write an XML document that every parser accepts, whatever text went into it.

ElementTree escapes `&`, `<` and `>` but copies control characters through, and one
(a vertical tab pasted from a PDF into a title) made every feed listing the article
ill-formed: readers reject the whole feed. Every XML file the build makes (the feeds,
the sitemap) is written here, and every text and attribute value loses the characters
XML 1.0 cannot carry (`strip_unsafe`, the same rule the sources are cleaned by, so
this matters only for text that did not come from a source, such as config.yaml's).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sitegen.content.characters import strip_unsafe

DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'


def xml_document(root: ET.Element) -> bytes:
    """`root` as a UTF-8 document with its declaration, indented, with only characters XML allows."""
    for element in root.iter():
        if element.text:
            element.text = strip_unsafe(element.text)
        if element.tail:
            element.tail = strip_unsafe(element.tail)
        for name, value in element.attrib.items():
            element.set(name, strip_unsafe(value))
    ET.indent(root, space=" ")
    return DECLARATION + ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n"

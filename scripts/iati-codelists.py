#!/usr/bin/env python3
"""Checks every code of an IATI 2.03 file against its codelist, driven by the official
codelists/mapping.xml (IATI-Codelists): for each mapped XPath, every value found (whose
owning element meets the mapping's condition, if any) must be an active code of the list.

Usage: iati-codelists.py CODELISTS_DIR FILE.xml
  CODELISTS_DIR holds mapping.xml, embedded/ and non-embedded/ (crates/formats/schemas/iati/codelists).
Exit 0: all codes conform; 1: violations (one line each: codelist, path, value); 2: setup error.
Needs lxml (pip install lxml): the mapping's XPaths need full XPath 1.0.
"""
import os
import sys

try:
    from lxml import etree
except ImportError:
    print("lxml manquant : installez-le avec « pip install lxml » (module Python lxml)", file=sys.stderr)
    sys.exit(2)


def load_codelist(root, name):
    for sub in ("embedded", "non-embedded"):
        path = os.path.join(root, sub, name + ".xml")
        if os.path.exists(path):
            tree = etree.parse(path)
            active, withdrawn = set(), set()
            for item in tree.iter("codelist-item"):
                code = (item.findtext("code") or "").strip()
                (withdrawn if item.get("status") == "withdrawn" else active).add(code)
            return active, withdrawn
    return None


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    root, target = sys.argv[1], sys.argv[2]
    mapping = etree.parse(os.path.join(root, "mapping.xml"))
    doc = etree.parse(target)
    cache = {}
    errors = []
    checked = 0
    for m in mapping.iter("mapping"):
        path = m.findtext("path").strip()
        ref = m.find("codelist").get("ref")
        condition = (m.findtext("condition") or "").strip()
        for value in doc.xpath(path):
            owner = value.getparent()
            if condition and not owner.xpath(condition):
                continue
            if ref not in cache:
                cache[ref] = load_codelist(root, ref)
            if cache[ref] is None:
                errors.append(f"{ref}: liste de codes introuvable (chemin {path})")
                continue
            active, withdrawn = cache[ref]
            checked += 1
            code = str(value).strip()
            if code in withdrawn:
                errors.append(f"{ref}: code retiré « {code} » en {path} (ligne {owner.sourceline})")
            elif code not in active:
                errors.append(f"{ref}: code « {code} » absent de la liste en {path} (ligne {owner.sourceline})")
    for e in errors:
        print(e)
    print(f"{checked} codes vérifiés, {len(errors)} non conformes")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

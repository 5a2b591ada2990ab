"""Reads a gettext .po file: just enough of the format for the checks here."""

import ast
import re

FIELD = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$')


def entries(path):
    """Each entry as a dict of its fields (with "flags"), the header and obsolete ones left out."""
    found, current, field = [], {"flags": set()}, None
    for raw in open(path, encoding="utf-8").read().splitlines() + [""]:
        line = raw.strip()
        if not line:
            if "msgid" in current:
                found.append(current)
            current, field = {"flags": set()}, None
        elif line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := FIELD.match(line):
            field = match.group(1)
            current[field] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and field:
            current[field] += ast.literal_eval(line)
    return [entry for entry in found if entry["msgid"]]


def translations(entry):
    return [value for name, value in entry.items() if name.startswith("msgstr")]

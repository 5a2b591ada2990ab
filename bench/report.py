"""The pieces every benchmark hands back, and their rendering as Markdown."""

from dataclasses import dataclass, field


@dataclass
class Target:
    text: str
    measured: str
    met: bool


@dataclass
class Section:
    title: str
    method: str
    tables: list = field(default_factory=list)  # (headers, rows)
    targets: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    def table(self, headers, rows):
        self.tables.append((headers, rows))

    def target(self, text, measured, met):
        self.targets.append(Target(text, measured, bool(met)))


def _table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def render_section(number, section):
    parts = [f"## {number}. {section.title}", "", section.method, ""]
    for headers, rows in section.tables:
        parts += [_table(headers, rows), ""]
    if section.targets:
        parts += ["| Target | Measured | Met |", "|---|---|---|"]
        parts += [
            f"| {t.text} | {t.measured} | {'yes' if t.met else '**no**'} |" for t in section.targets
        ]
        parts.append("")
    parts += [f"- {note}" for note in section.notes]
    if section.notes:
        parts.append("")
    return "\n".join(parts)


def render(header, sections):
    body = [render_section(number, section) for number, section in sections]
    return "\n".join([header, *body]).rstrip() + "\n"

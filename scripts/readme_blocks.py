"""The README's quickstart as data: each fenced block of the section between the snippet markers
``<!-- --8<-- [start:quickstart] -->`` and ``[end:quickstart]``, with the instruction in the HTML
comment just above it (invisible on GitHub, PyPI and the docs site):

- ``<!-- quickstart: run -->``: shell commands, run one by one in the project folder;
- ``<!-- quickstart: write PATH -->``: the block is the whole file at PATH;
- ``<!-- quickstart: append PATH -->``: the block goes at the end of the file at PATH;
- ``<!-- quickstart: skip -->``: shown to the reader only (production secrets, an example).

Every block of the section must have one, so none goes untested by accident.
"""

import re
from dataclasses import dataclass
from pathlib import Path

SECTION = re.compile(
    r"<!-- --8<-- \[start:quickstart\] -->(?P<body>.*?)<!-- --8<-- \[end:quickstart\] -->", re.S
)
MARKER = re.compile(r"<!-- quickstart: (?P<action>run|write|append|skip)(?: (?P<path>\S+))? -->")
FENCE = re.compile(r"^```(?P<info>[^\n]*)\n(?P<code>.*?)^```$", re.S | re.M)


@dataclass(frozen=True)
class Block:
    action: str  # run, write, append or skip
    path: str | None  # the file written or appended to
    code: str
    line: int  # in README.md, for error messages


def quickstart(readme: Path) -> list[Block]:
    text = readme.read_text(encoding="utf-8")
    section = SECTION.search(text)
    if section is None:
        raise SystemExit(f"{readme}: no quickstart section between the snippet markers")
    offset = text[: section.start("body")].count("\n")
    body = section.group("body")
    blocks, problems = [], []
    for fence in FENCE.finditer(body):
        line = offset + body[: fence.start()].count("\n") + 1
        before = body[: fence.start()].rstrip().rsplit("\n", 1)[-1]
        marker = MARKER.fullmatch(before.strip())
        if marker is None:
            problems.append(f"README.md:{line}: a quickstart block without a quickstart marker")
            continue
        action, path = marker.group("action"), marker.group("path")
        if (action in ("write", "append")) != bool(path):
            problems.append(f"README.md:{line}: {action} needs a path, and only write/append do")
            continue
        blocks.append(Block(action, path, fence.group("code"), line))
    if problems:
        raise SystemExit("\n".join(problems))
    return blocks


def apply_file_block(block: Block, project: Path) -> None:
    target = project / block.path
    if block.action == "write":
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(block.code, encoding="utf-8")
    elif block.action == "append":
        if not target.exists():
            raise SystemExit(f"README.md:{block.line}: appends to {block.path}, which is missing")
        with target.open("a", encoding="utf-8") as file:
            file.write("\n\n" + block.code)


def commands(block: Block) -> list[str]:
    """The command lines of a run block, as a reader would type them one by one."""
    return [line.strip() for line in block.code.splitlines() if line.strip()]

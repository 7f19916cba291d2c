"""Solution regions: find the ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines and stub them.

A marker that is almost right (``## BEGIN SOLUTION``, ``### Begin Solution``,
``###BEGIN SOLUTION``) would otherwise pass through as an ordinary line and copy the answer
into the learner's notebook, so every line that looks like a marker must be exactly one.
"""

from __future__ import annotations

import re

from registry_dojo.errors import ExerciseBuildError

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")
TEXT_STUB = "YOUR ANSWER HERE"

# A comment or heading whose words are BEGIN/END SOLUTION, in any case and spacing, with any
# number of '#' before it, anywhere on the line.
_HASHED_MARKER = re.compile(r"#+\s*(begin|end)[\s_-]*solution", re.IGNORECASE)
# The same words wrapped in other decoration (``**BEGIN SOLUTION**``, ``<!-- END SOLUTION -->``):
# the line has no letters or digits besides them.
_DECORATED_MARKER = re.compile(r"[^a-z0-9]*(begin|end)[^a-z0-9]*solution[^a-z0-9]*", re.IGNORECASE)


def replace_solution_regions(source: str, cell_type: str, *, where: str = "cell") -> str:
    """Return `source` with every solution region replaced by the stub for `cell_type`.

    `where` names the notebook and cell in error messages. Raises
    :class:`~registry_dojo.errors.ExerciseBuildError` for a marker that is not alone on its line,
    a line that looks like a marker but is not exactly one, a nested or unmatched
    ``### BEGIN SOLUTION``, or an ``### END SOLUTION`` with no begin.
    """
    lines = source.split("\n")
    output: list[str] = []
    begin_line: int | None = None
    for number, line in enumerate(lines, start=1):
        marker = _marker(line, where, number)
        if marker == BEGIN_SOLUTION:
            if begin_line is not None:
                raise ExerciseBuildError(
                    f"{where}, line {number}: {BEGIN_SOLUTION!r} inside the solution region "
                    f"opened on line {begin_line}; close that region with {END_SOLUTION!r} first"
                )
            begin_line = number
            indent = line[: len(line) - len(line.lstrip())]
            output.extend(_stub(cell_type, indent))
        elif marker == END_SOLUTION:
            if begin_line is None:
                raise ExerciseBuildError(
                    f"{where}, line {number}: {END_SOLUTION!r} without a matching "
                    f"{BEGIN_SOLUTION!r}; add the begin marker or delete this line"
                )
            begin_line = None
        elif begin_line is None:
            output.append(line)
    if begin_line is not None:
        raise ExerciseBuildError(
            f"{where}, line {begin_line}: {BEGIN_SOLUTION!r} is never closed; "
            f"add a line {END_SOLUTION!r} after the solution"
        )
    return "\n".join(output)


def _marker(line: str, where: str, number: int) -> str | None:
    """Return the marker that `line` is, None for an ordinary line; raise for a near miss."""
    stripped = line.strip()
    for marker in (BEGIN_SOLUTION, END_SOLUTION):
        if stripped == marker:
            return marker
        if marker in line:
            raise ExerciseBuildError(
                f"{where}, line {number}: {marker!r} must be alone on its line, got {line!r}"
            )
    match = _HASHED_MARKER.search(line) or _DECORATED_MARKER.fullmatch(line)
    if match is None:
        return None
    expected = BEGIN_SOLUTION if match.group(1).lower() == "begin" else END_SOLUTION
    raise ExerciseBuildError(
        f"{where}, line {number}: {stripped!r} looks like a solution marker but is not one, so "
        f"the solution would be copied into the exercise; write {expected!r} exactly, "
        "alone on its line"
    )


def _stub(cell_type: str, indent: str) -> list[str]:
    if cell_type == "code":
        return [indent + stub_line for stub_line in CODE_STUB]
    return [indent + TEXT_STUB]

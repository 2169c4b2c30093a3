"""Check that .ci/oldest-constraints.txt pins exactly the minimums of pyproject.toml.

Every requirement of the package and of the extras the oldest-versions step installs
(``test`` and ``all``) must have a ``>=`` minimum, and the constraints file must pin
that very version, so the step tests what pyproject.toml promises.  Exits 1 on a mismatch.
"""

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS = ("test", "all")
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements(project: dict, extras) -> list[str]:
    """The requirements of the package and the extras, self-references expanded."""
    optional = project.get("optional-dependencies", {})
    found, todo, seen = list(project.get("dependencies", [])), list(extras), set()
    while todo:
        extra = todo.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in optional[extra]:
            name, bracket, _ = REQUIREMENT.match(requirement).groups()
            if normalise(name) == normalise(project["name"]):
                todo.extend(part.strip() for part in bracket.strip("[]").split(","))
            else:
                found.append(requirement)
    return found


def main() -> int:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    minimums: dict[str, set[str]] = {}
    problems = []
    for requirement in requirements(project, EXTRAS):
        name, _, specifier = REQUIREMENT.match(requirement).groups()
        floor = re.search(r">=\s*([^,;\s]+)", specifier)
        if floor is None:
            problems.append(f"{requirement!r} has no >= minimum")
            continue
        minimums.setdefault(normalise(name), set()).add(floor.group(1))
    pins = {}
    for line in (ROOT / ".ci" / "oldest-constraints.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, _, version = line.partition("==")
            pins[normalise(name)] = version.strip()
    for name, floors in sorted(minimums.items()):
        if len(floors) > 1:
            problems.append(f"{name} has several minimums in pyproject.toml: {sorted(floors)}")
        elif pins.get(name) != next(iter(floors)):
            problems.append(
                f"{name}: pyproject.toml says >={next(iter(floors))}, constraints pin {pins.get(name)}"
            )
    problems += [f"{name} is pinned but not required" for name in sorted(set(pins) - set(minimums))]
    for problem in problems:
        print(f"oldest-constraints: {problem}", file=sys.stderr)
    if not problems:
        print(f"oldest-constraints: {len(pins)} pins match the minimums of pyproject.toml")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

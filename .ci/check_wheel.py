"""Check a built wheel: py.typed, the LICENSE, the console script and every module are in it.

Usage: python .ci/check_wheel.py dist/skmixup-*.whl  (exits 1 and says what is missing)
"""

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(wheel: str) -> int:
    names = set(zipfile.ZipFile(wheel).namelist())
    dist_info = next(name.split("/")[0] for name in names if name.split("/")[0].endswith(".dist-info"))
    missing = [name for name in ("skmixup/py.typed", f"{dist_info}/licenses/LICENSE") if name not in names]
    missing += [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "skmixup").rglob("*.py")
        if path.relative_to(ROOT).as_posix() not in names
    ]
    entry_points = zipfile.ZipFile(wheel).read(f"{dist_info}/entry_points.txt").decode()
    if "skmixup = skmixup.cli:main" not in entry_points:
        missing.append("the console script skmixup = skmixup.cli:main")
    for name in missing:
        print(f"wheel: missing {name}", file=sys.stderr)
    if not missing:
        print(f"wheel: {Path(wheel).name} holds py.typed, LICENSE, the console script and all modules")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))

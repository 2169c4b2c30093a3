"""The ``skmixup`` command line, run as a user runs it: a subprocess on files.

Most tests run ``python -m skmixup`` with the package under test first on
``PYTHONPATH``, so they test this checkout wherever the suite runs (a
worktree next to another editable install, or CI's fresh install).  One test
runs the ``skmixup`` console script itself, when it is installed from this
checkout; under ``SKMIXUP_REQUIRE_OPTIONAL=1`` (CI) it must be.
"""

from __future__ import annotations

import datetime
import io
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from optional import require

import skmixup
import skmixup.io as skmixup_io
from skmixup import StructurePreservingMixup
from skmixup.cli import _commands, build_parser, main

pa = require("pyarrow")
pq = require("pyarrow.parquet")
pacsv = require("pyarrow.csv")

PACKAGE_ROOT = Path(skmixup.__file__).resolve().parents[1]
N_ROWS = 240


# ------------------------------------------------------------------ helpers


def make_table(n_rows: int = N_ROWS, seed: int = 0):
    """A mixed table: floats and ints with gaps, text, booleans, dates, times, a label."""
    rng = np.random.default_rng(seed)
    gaps = rng.random(n_rows) < 0.1
    income = rng.lognormal(3.0, 0.5, n_rows)
    start = datetime.date(2020, 1, 1)
    return pa.table(
        {
            "income": pa.array(np.where(gaps, np.nan, income), from_pandas=True),
            "age": pa.array(np.where(gaps, None, rng.integers(18, 90, n_rows)).tolist(), pa.int64()),
            "city": pa.array(np.where(gaps[::-1], None, rng.choice(["Lyon", "Nice"], n_rows)).tolist()),
            "member": pa.array(rng.random(n_rows) < 0.3),
            "joined": pa.array(
                [start + datetime.timedelta(days=int(d)) for d in rng.integers(0, 900, n_rows)]
            ),
            "seen": pa.array(
                pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 10**6, n_rows), unit="s")
            ),
            "label": pa.array(np.where(np.arange(n_rows) < n_rows // 6, "fraud", "ok")),
        }
    )


def write(table, path: Path) -> Path:
    if path.suffix == ".csv":
        pacsv.write_csv(table, path)
    else:
        pq.write_table(table, path)
    return path


@pytest.fixture
def parquet_file(tmp_path):
    return write(make_table(), tmp_path / "table.parquet")


@pytest.fixture
def csv_file(tmp_path):
    return write(make_table(), tmp_path / "table.csv")


def run(*args, cwd: Path, command=None, env_extra=None) -> subprocess.CompletedProcess:
    """``python -m skmixup ARGS`` on this checkout (or ``command ARGS``), in ``cwd``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(PACKAGE_ROOT), *(env_extra or [])])}
    env.pop("SKMIXUP_HYPOTHESIS_PROFILE", None)
    command = [sys.executable, "-m", "skmixup"] if command is None else command
    return subprocess.run(
        [*command, *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def files_in(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


def read_back(path: Path):
    return skmixup_io.read_table(path)


# ---------------------------------------------------------- what is written


def test_synthesize_parquet_keeps_schema_and_writes_n_rows(parquet_file, tmp_path):
    out = tmp_path / "synthetic.parquet"
    done = run("synthesize", parquet_file, "-n", 1000, "-o", out, "--seed", 3, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""  # no terminal: no progress bar
    synthetic, real = read_back(out), read_back(parquet_file)
    assert synthetic.num_rows == 1000
    assert synthetic.schema.equals(real.schema)
    # Mixed rows, not copies: incomes between real ones, and new values.
    assert not set(synthetic.column("income").drop_null().to_pylist()) <= set(
        real.column("income").drop_null().to_pylist()
    )
    # Missing values are mixed too, at about the real rate (10 %: 5 SE of 1000 draws is 0.05).
    assert synthetic.column("income").null_count / 1000 == pytest.approx(0.1, abs=0.05)


def test_synthesize_gives_the_estimators_rows_for_a_seed(parquet_file, tmp_path):
    out = tmp_path / "synthetic.parquet"
    assert run("synthesize", parquet_file, "-n", 500, "-o", out, "--seed", 7, cwd=tmp_path).returncode == 0
    table = skmixup_io.read_table(parquet_file)
    expected = StructurePreservingMixup(random_state=7).fit(skmixup_io.to_pandas(table)).sample(500)
    assert read_back(out).equals(skmixup_io.from_pandas(expected, table.schema))
    again = tmp_path / "again.parquet"
    assert run("synthesize", parquet_file, "-n", 500, "-o", again, "--seed", 7, cwd=tmp_path).returncode == 0
    assert read_back(again).equals(read_back(out))


def test_synthesize_csv_to_csv_and_to_parquet(csv_file, tmp_path):
    real = pacsv.read_csv(csv_file, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    assert str(real.schema.field("joined").type) == "date32[day]"  # the reader infers dates...
    assert real.schema.field("age").type == pa.int64()  # ...and integers with gaps
    for out in (tmp_path / "synthetic.csv", tmp_path / "synthetic.pq"):
        done = run(
            "synthesize", csv_file, "-n", 300, "-o", out, "--seed", 0, "--weights", "uniform", cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        synthetic = read_back(out)
        assert synthetic.num_rows == 300
        assert synthetic.schema.equals(real.schema)
    assert read_back(tmp_path / "synthetic.csv").equals(read_back(tmp_path / "synthetic.pq"))


def test_synthesize_with_a_target_keeps_it_in_place(parquet_file, tmp_path):
    out = tmp_path / "stratified.parquet"
    done = run(
        "synthesize", parquet_file, "-n", 600, "-o", out, "--target", "label", "--kind", "age=categorical",
        "--seed", 1, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    synthetic = read_back(out)
    assert synthetic.schema.equals(read_back(parquet_file).schema)
    # Stratified: class shares kept in expectation (1/6; 5 SE of 600 draws is 0.076).
    labels = synthetic.column("label").to_pylist()
    assert labels.count("fraud") / 600 == pytest.approx(1 / 6, abs=0.076)
    # age forced categorical: only ages seen in the real table.
    assert set(synthetic.column("age").drop_null().to_pylist()) <= set(
        read_back(parquet_file).column("age").drop_null().to_pylist()
    )


def test_dropped_columns_are_left_out(parquet_file, tmp_path):
    real = read_back(parquet_file)
    for command in (["synthesize", "-n", 100], ["oversample", "--target", "label"]):
        out = tmp_path / f"{command[0]}.parquet"
        done = run(command[0], parquet_file, *command[1:], "--kind", "city=drop", "-o", out, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert read_back(out).schema.equals(real.drop(["city"]).schema)
    assert read_back(tmp_path / "oversample.parquet").slice(0, N_ROWS).equals(real.drop(["city"]))


def test_soft_labels_become_one_score_column_per_class(parquet_file, tmp_path):
    out = tmp_path / "soft.parquet"
    done = run(
        "synthesize", parquet_file, "-n", 400, "-o", out, "--target", "label", "--label-mixing", "soft",
        "--seed", 0, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    synthetic = read_back(out)
    names = read_back(parquet_file).column_names
    position = names.index("label")
    assert synthetic.column_names == [*names[:position], "label_fraud", "label_ok", *names[position + 1 :]]
    scores = synthetic.select(["label_fraud", "label_ok"]).to_pandas()
    np.testing.assert_allclose(scores.sum(axis=1), 1.0)


def test_given_conditions_the_synthetic_rows(parquet_file, tmp_path):
    out = tmp_path / "lyon.parquet"
    done = run(
        "synthesize", parquet_file, "-n", 300, "-o", out, "--given", "city=Lyon", "--given", "member=true",
        "--target", "label", "--given", "label=fraud", "--seed", 0, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    synthetic = read_back(out)
    assert set(synthetic.column("city").to_pylist()) == {"Lyon"}
    assert set(synthetic.column("member").to_pylist()) == {True}
    assert set(synthetic.column("label").to_pylist()) == {"fraud"}
    # the same rows as the Python API gives with the typed conditions
    table = read_back(parquet_file)
    X, y = _commands.split_target(skmixup_io.to_pandas(table), "label")
    mixup = StructurePreservingMixup(random_state=0).fit(X, y)
    given = {"city": ["Lyon"], "member": [True], "label": ["fraud"]}
    expected, _ = mixup.sample(300, given=given, random_state=np.random.RandomState(0))
    assert synthetic.drop(["label"]).equals(skmixup_io.from_pandas(expected, table.drop(["label"]).schema))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--given", "town=Lyon"], "--given names column 'town'"),
        (["--given", "city=Paris"], "'Paris' is not a category of column 'city'"),
        (["--given", "income=3.5"], "column 'income' is continuous"),
        (["--given", "member=perhaps"], "'perhaps' is not a value of column 'member'"),
        (["--exact-class-counts"], "--exact-class-counts needs --target"),
    ],
)
def test_bad_conditions_are_one_line_status_2(options, message, parquet_file, tmp_path, capsys):
    out = tmp_path / "out.parquet"
    status = main(["synthesize", str(parquet_file), "-n", "10", "-o", str(out), *options])
    error = capsys.readouterr().err
    assert status == 2 and message in error and len(error.strip().splitlines()) == 1
    assert not out.exists()


def test_jobs_must_be_a_number_of_threads(parquet_file, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["synthesize", str(parquet_file), "-n", "10", "-o", "out.parquet", "--jobs", "0"])
    assert stopped.value.code == 2 and "expected a number of threads >= 1" in capsys.readouterr().err


def test_exact_class_counts_and_jobs(parquet_file, tmp_path):
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"exact{jobs}.parquet"
        done = run(
            "synthesize", parquet_file, "-n", 600, "-o", out, "--target", "label", "--exact-class-counts",
            "--jobs", jobs, "--seed", 4, cwd=tmp_path,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        outputs.append(read_back(out))
    assert outputs[0].column("label").to_pylist().count("fraud") == 100  # 600 / 6, exactly
    assert outputs[0].equals(outputs[1])


def test_oversample_writes_the_originals_then_the_new_rows(parquet_file, tmp_path):
    out = tmp_path / "balanced.parquet"
    done = run("oversample", parquet_file, "--target", "label", "-o", out, "--seed", 0, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    real, resampled = read_back(parquet_file), read_back(out)
    n_fraud, n_ok = N_ROWS // 6, N_ROWS - N_ROWS // 6
    assert resampled.num_rows == 2 * n_ok
    assert resampled.schema.equals(real.schema)
    assert resampled.slice(0, N_ROWS).equals(real)
    assert resampled.slice(N_ROWS).column("label").to_pylist() == ["fraud"] * (n_ok - n_fraud)


def test_oversample_with_a_ratio_on_csv(csv_file, tmp_path):
    out = tmp_path / "more.csv"
    done = run(
        "oversample", csv_file, "--target", "label", "--sampling-strategy", "0.5", "-o", out, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    labels = read_back(out).column("label").to_pylist()
    n_ok = N_ROWS - N_ROWS // 6
    assert labels.count("ok") == n_ok and labels.count("fraud") == n_ok // 2


def test_console_script_is_installed_from_this_checkout(parquet_file, tmp_path):
    script = installed_script(tmp_path)
    if script is None:
        message = "the skmixup console script is not installed from this checkout"
        if os.environ.get("SKMIXUP_REQUIRE_OPTIONAL") == "1":
            pytest.fail(message)
        pytest.skip(message)
    version = run("--version", cwd=tmp_path, command=[script])
    assert version.returncode == 0 and version.stdout.strip() == f"skmixup {skmixup.__version__}"
    out = tmp_path / "synthetic.csv"
    done = run("synthesize", parquet_file, "-n", 50, "-o", out, "--seed", 0, cwd=tmp_path, command=[script])
    assert done.returncode == 0, done.stderr
    assert read_back(out).num_rows == 50
    bad = run("synthesize", tmp_path / "missing.csv", "-n", 5, "-o", out, cwd=tmp_path, command=[script])
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def installed_script(tmp_path: Path) -> str | None:
    """The ``skmixup`` script that imports this checkout's package, if any."""
    candidates = [Path(sys.executable).with_name("skmixup"), shutil.which("skmixup")]
    for candidate in candidates:
        if candidate is None or not Path(candidate).is_file():
            continue
        interpreter = Path(candidate).read_text().splitlines()[0].removeprefix("#!").strip()
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        where = subprocess.run(
            [interpreter, "-c", "import skmixup; print(skmixup.__file__)"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        if where.returncode == 0 and Path(where.stdout.strip()).resolve() == Path(skmixup.__file__).resolve():
            return str(candidate)
    return None


# --------------------------------------------------------------- bad input


def _directory_named_csv(tmp_path):
    (tmp_path / "folder.csv").mkdir()
    return tmp_path / "folder.csv"


def _not_parquet(tmp_path):
    (tmp_path / "broken.parquet").write_bytes(b"this is not a parquet file")
    return tmp_path / "broken.parquet"


def _synthesize(*options):
    return lambda directory, table: ["synthesize", table, "-n", 5, *options]


def _oversample(*options):
    return lambda directory, table: ["oversample", table, "--target", "label", *options]


def _read(make_path):
    return lambda directory, table: ["synthesize", make_path(directory), "-n", 5]


# case: (arguments, texts the message holds, whether it also runs as a subprocess)
BAD_INPUTS = {
    "missing file": (_read(lambda d: d / "nope.csv"), ["cannot read", "no such file"], True),
    "directory": (_read(_directory_named_csv), ["cannot read", "directory"], True),
    "not parquet": (_read(_not_parquet), ["as parquet", "magic"], True),
    "input extension": (_read(lambda d: d / "t.json"), ["cannot read", "'.json'"], True),
    "unknown target": (_synthesize("--target", "y"), ["--target", "'y'", "'income'"], True),
    "unknown kind column": (_synthesize("--kind", "zip=categorical"), ["--kind", "'zip'"], False),
    "bad row count": (lambda d, f: ["synthesize", f, "-n", "ten"], ["-n/--n-samples", "'ten'"], True),
    "zero rows": (lambda d, f: ["synthesize", f, "-n", "0"], ["-n/--n-samples", "'0'"], False),
    "bad delta": (_synthesize("--delta", "small"), ["--delta", "'small'"], False),
    "delta above 1": (_synthesize("--delta", "2"), ["--delta", "[0, 1]"], True),
    "delta beyond reach": (_synthesize("--delta", "0.5"), ["--delta", "0.0617"], False),
    "negative seed": (_synthesize("--seed", "-3"), ["--seed", "'-3'"], False),
    "bad weights": (_synthesize("--weights", "beta:0,1"), ["--weights", "beta:A,B"], False),
    "delta without epbeta": (
        _synthesize("--weights", "uniform", "--delta", "0.1"),
        ["--delta", "epbeta only"],
        False,
    ),
    "unknown label mixing": (
        _synthesize("--target", "label", "--label-mixing", "x"),
        ["--label-mixing", "invalid choice"],
        False,
    ),
    "kind refused": (_synthesize("--kind", "city=continuous"), ["'city'", "forced continuous"], True),
    "ratio out of range": (
        _oversample("--sampling-strategy", "1.5"),
        ["--sampling-strategy", "(0, 1]"],
        False,
    ),
    "ratio refused": (_oversample("--sampling-strategy", "0.01"), ["oversample: error", "ratio"], True),
    "missing labels": (
        lambda d, f: ["oversample", f, "--target", "city"],
        ["'city'", "missing value"],
        False,
    ),
}


def _bad_run(case, parquet_file, tmp_path):
    arguments, expected, _ = BAD_INPUTS[case]
    out = tmp_path / "out" / "synthetic.parquet"
    out.parent.mkdir()
    return [str(a) for a in arguments(tmp_path, parquet_file)] + ["-o", str(out)], expected, out.parent


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_one_line_status_2_and_no_output(case, parquet_file, tmp_path, capsys):
    arguments, expected, out_directory = _bad_run(case, parquet_file, tmp_path)
    try:
        status = main(arguments)
    except SystemExit as exit_info:  # argparse's errors
        status = exit_info.code
    out, err = capsys.readouterr()
    assert status == 2, err
    assert err.count("\n") == 1 and err.startswith("skmixup "), err
    for text in expected:
        assert text in err
    assert out == ""
    assert files_in(out_directory) == set()  # no output, no temporary file


@pytest.mark.parametrize("case", [case for case, (*_, as_subprocess) in BAD_INPUTS.items() if as_subprocess])
def test_bad_input_from_the_shell(case, parquet_file, tmp_path):
    arguments, expected, out_directory = _bad_run(case, parquet_file, tmp_path)
    done = run(*arguments, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("skmixup "), done.stderr
    assert "Traceback" not in done.stderr
    for text in expected:
        assert text in done.stderr
    assert done.stdout == ""
    assert files_in(out_directory) == set()


@pytest.mark.parametrize(
    ("output", "message"),
    [("synthetic.txt", "'.txt'"), ("nowhere/synthetic.csv", "does not exist")],
)
def test_bad_output_path_fails_before_any_work(output, message, parquet_file, tmp_path):
    done = run("synthesize", parquet_file, "-n", 5, "-o", tmp_path / output, cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "cannot write" in done.stderr and message in done.stderr
    assert files_in(tmp_path) == {"table.parquet"}


def test_a_failed_command_keeps_the_old_output(parquet_file, tmp_path):
    out = tmp_path / "synthetic.csv"
    out.write_text("old content\n")
    done = run("synthesize", parquet_file, "-n", 5, "-o", out, "--kind", "city=continuous", cwd=tmp_path)
    assert done.returncode == 2
    assert out.read_text() == "old content\n"
    assert files_in(tmp_path) == {"table.parquet", "synthetic.csv"}


def test_missing_pyarrow_says_how_to_install_it(csv_file, tmp_path):
    blocker = tmp_path / "no_pyarrow" / "pyarrow"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('No module named pyarrow')\n")
    out = tmp_path / "synthetic.csv"
    done = run("synthesize", csv_file, "-n", 5, "-o", out, cwd=tmp_path, env_extra=[str(blocker.parent)])
    # The blocker comes after the checkout on PYTHONPATH but before site-packages.
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert "needs pyarrow" in done.stderr and 'pip install "skmixup[cli]"' in done.stderr
    assert not out.exists()


# ------------------------------------------------------- in-process checks


def test_a_failure_while_writing_leaves_no_file(parquet_file, tmp_path, monkeypatch):
    monkeypatch.setattr(_commands, "CHUNK_ROWS", 50)
    calls = []
    real_from_pandas = skmixup_io.from_pandas

    def fail_on_the_third_chunk(frame, schema):
        calls.append(len(frame))
        if len(calls) == 3:
            raise RuntimeError("disk on fire")
        return real_from_pandas(frame, schema)

    monkeypatch.setattr(skmixup_io, "from_pandas", fail_on_the_third_chunk)
    out = tmp_path / "synthetic.parquet"
    with pytest.raises(RuntimeError, match="disk on fire"):
        main(["synthesize", str(parquet_file), "-n", "500", "-o", str(out), "--seed", "0"])
    assert calls == [50, 50, 50]
    assert files_in(tmp_path) == {"table.parquet"}


@pytest.mark.parametrize("command", [["synthesize", "-n", "10"], ["oversample", "--target", "label"]])
def test_an_unwritable_output_is_one_line_status_2(command, parquet_file, tmp_path, monkeypatch, capsys):
    import tempfile

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    out = tmp_path / "synthetic.parquet"
    assert main([command[0], str(parquet_file), *command[1:], "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == f"skmixup {command[0]}: error: cannot write {out}: Permission denied\n"
    assert files_in(tmp_path) == {"table.parquet"}


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


def test_chunks_and_output_do_not_depend_on_the_progress_bar(parquet_file, tmp_path, monkeypatch, capsys):
    require("tqdm")
    monkeypatch.setattr(_commands, "CHUNK_ROWS", 64)
    quiet, shown = tmp_path / "quiet.parquet", tmp_path / "shown.parquet"
    common = [str(parquet_file), "-n", "300", "--seed", "5"]
    assert main(["synthesize", *common, "-o", str(quiet), "--quiet"]) == 0
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main(["synthesize", *common, "-o", str(shown)]) == 0
    monkeypatch.undo()
    assert "synthesizing" in terminal.getvalue()  # the bar was drawn
    assert read_back(shown).equals(read_back(quiet))
    # The rows are those of sample() called chunk by chunk on one RandomState.
    table = skmixup_io.read_table(parquet_file)
    mixup = StructurePreservingMixup(random_state=5).fit(skmixup_io.to_pandas(table))
    random_state = np.random.RandomState(5)
    chunks = [mixup.sample(size, random_state=random_state) for size in (64, 64, 64, 64, 44)]
    expected = skmixup_io.from_pandas(pd.concat(chunks, ignore_index=True), table.schema)
    assert read_back(quiet).equals(expected)


def test_quiet_or_not_a_terminal_prints_nothing(parquet_file, tmp_path, monkeypatch, capsys):
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    out = tmp_path / "synthetic.parquet"
    assert main(["synthesize", str(parquet_file), "-n", "20", "-o", str(out), "--quiet"]) == 0
    assert terminal.getvalue() == ""


def test_library_warnings_are_one_line(tmp_path, capsys):
    table = make_table(40)
    labels = np.array(["ok"] * 39 + ["rare"])
    path = write(table.set_column(6, "label", pa.array(labels)), tmp_path / "rare.parquet")
    out = tmp_path / "out.parquet"
    assert main(["oversample", str(path), "--target", "label", "-o", str(out), "--seed", "0"]) == 0
    err = capsys.readouterr().err
    warning = "Class 'rare' has a single row: its 38 synthetic rows are copies of it."
    assert err == f"skmixup oversample: warning: {warning}\n"


def test_deprecations_of_the_libraries_underneath_are_not_shown(parquet_file, tmp_path, monkeypatch, capsys):
    # pandas 2.0 with numpy 1.26 raises DeprecationWarnings from its own internals.
    read_table = skmixup_io.read_table

    def deprecated_inside(*args, **kwargs):
        warnings.warn("np.find_common_type is deprecated.", DeprecationWarning, stacklevel=1)
        return read_table(*args, **kwargs)

    monkeypatch.setattr(skmixup_io, "read_table", deprecated_inside)
    out = tmp_path / "out.parquet"
    assert main(["synthesize", str(parquet_file), "-n", "10", "-o", str(out), "--quiet"]) == 0
    assert capsys.readouterr().err == ""


def test_report_reads_the_tables_and_writes_the_page(parquet_file, csv_file, tmp_path, monkeypatch):
    from skmixup import diagnostics

    received = {}

    def html_report(
        real, synthetic, *, holdout=None, title=None, categorical_features="auto", column_kinds=None
    ):
        received.update(
            real=real, synthetic=synthetic, holdout=holdout, title=title, column_kinds=column_kinds
        )
        return "<!DOCTYPE html><title>t</title>"

    monkeypatch.setattr(diagnostics, "html_report", html_report, raising=False)
    out = tmp_path / "report.html"
    arguments = [str(parquet_file), str(csv_file), "--holdout", str(csv_file), "--title", "Patients"]
    assert main(["report", *arguments, "--kind", "age=categorical", "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == "<!DOCTYPE html><title>t</title>"
    assert received["title"] == "Patients" and received["column_kinds"] == {"age": "categorical"}
    assert received["real"].shape == received["synthetic"].shape == received["holdout"].shape == (N_ROWS, 7)
    assert str(received["real"]["age"].dtype) == "int64[pyarrow]"  # Arrow dtypes, nulls kept
    assert main(["report", *arguments, "-o", str(tmp_path / "report.txt")]) == 2


def test_report_end_to_end_is_one_self_contained_page(parquet_file, tmp_path):
    require("matplotlib")
    synthetic, holdout = tmp_path / "synthetic.parquet", tmp_path / "holdout.parquet"
    assert (
        run("synthesize", parquet_file, "-n", 400, "-o", synthetic, "--seed", 0, cwd=tmp_path).returncode == 0
    )
    write(make_table(seed=1), holdout)
    out = tmp_path / "report.html"
    done = run("report", parquet_file, synthetic, "--holdout", holdout, "-o", out, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "http" not in page.replace("http-equiv", "")
    assert page.count("data:image/png;base64,") >= 2  # the structure figure and the distances
    for words in ("quality", "exact copies", "closest"):
        assert words in page.lower()


# ----------------------------------------------------------------- parsing


def parse(*arguments):
    return build_parser().parse_args(list(arguments))


def test_parsing_of_the_synthesize_options():
    arguments = parse(
        "synthesize", "in.csv", "-n", "1_000", "-o", "out.pq", "--weights", "beta:0.5,2",
        "--kind", "a=b=categorical", "--kind", "n=Continuous", "--target", "y",
        "--label-mixing", "joint", "--seed", "4294967295",
    )  # fmt: skip
    assert arguments.n_samples == 1000
    assert arguments.weights == ("beta", (0.5, 2.0))
    assert arguments.kind == [("a=b", "categorical"), ("n", "continuous")]
    assert (arguments.target, arguments.label_mixing, arguments.seed) == ("y", "joint", 2**32 - 1)
    assert (arguments.delta, arguments.epsilon, arguments.quiet) == (None, None, False)


@pytest.mark.parametrize(
    ("text", "expected"), [("0.2", 0.2), ("0.1,0.5", (0.1, 0.5)), ("AUTO", "auto"), ("0", 0.0)]
)
def test_parsing_of_epsilon(text, expected):
    arguments = parse("synthesize", "in.csv", "-n", "1", "-o", "o.csv", "--epsilon", text)
    assert arguments.epsilon == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("auto", "auto"),
        ("not-majority", "not majority"),
        ("Not Minority", "not minority"),
        ("0.5", 0.5),
        ("1", 1.0),
    ],
)
def test_parsing_of_the_sampling_strategy(text, expected):
    arguments = parse("oversample", "in.csv", "--target", "y", "-o", "o.csv", "--sampling-strategy", text)
    assert arguments.sampling_strategy == expected


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["synthesize", "in.csv", "-o", "o.csv"], "the following arguments are required: -n/--n-samples"),
        (
            ["synthesize", "in.csv", "-n", "2.5", "-o", "o.csv"],
            "argument -n/--n-samples: expected a whole number",
        ),
        (["synthesize", "in.csv", "-n", "1", "-o", "o.csv", "--epsilon", "-1"], "argument --epsilon"),
        (["synthesize", "in.csv", "-n", "1", "-o", "o.csv", "--epsilon", "1,2,3"], "argument --epsilon"),
        (["synthesize", "in.csv", "-n", "1", "-o", "o.csv", "--kind", "age"], "expected COLUMN=KIND"),
        (
            ["synthesize", "in.csv", "-n", "1", "-o", "o.csv", "--kind", "age=ordinal"],
            "continuous, categorical, identifier, drop",
        ),
        (
            ["synthesize", "in.csv", "-n", "1", "-o", "o.csv", "--weights", "normal"],
            "epbeta, uniform or beta",
        ),
        (["synthesize", "in.csv", "-n", "1", "-o", "o.csv", "--delta", "nan"], "argument --delta"),
        (["oversample", "in.csv", "-o", "o.csv"], "required: --target"),
        (["oversample", "in.csv", "--target", "y", "-o", "o.csv", "--sampling-strategy", "most"], "'most'"),
        (["demo", "--n-samples", "1"], "at least 2 rows"),
        (["translate"], "invalid choice: 'translate'"),
        ([], "required: COMMAND"),
    ],
)
def test_parsing_errors_are_one_line_with_status_2(arguments, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(arguments)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "usage:" not in err


def test_help_and_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and capsys.readouterr().out == f"skmixup {skmixup.__version__}\n"
    for command in ("", "synthesize", "oversample", "report", "demo"):
        with pytest.raises(SystemExit) as exit_info:
            main([command, "--help"] if command else ["--help"])
        assert exit_info.value.code == 0
        text = capsys.readouterr().out
        assert text.startswith(f"usage: skmixup {command}".rstrip())
        assert "``" not in text and ":class:" not in text and ":ref:" not in text  # no raw rst
        assert max(len(line) for line in text.splitlines()) <= 100


def test_chunk_sizes():
    assert _commands.chunk_sizes(10, chunk=4) == [4, 4, 2]
    assert _commands.chunk_sizes(8, chunk=4) == [4, 4]
    assert _commands.chunk_sizes(3, chunk=4) == [3]


# ------------------------------------------------------------------ --engine dask


@pytest.fixture
def parquet_dataset(tmp_path):
    """The mixed table as a directory of three Parquet files (partitions)."""
    directory = tmp_path / "dataset"
    directory.mkdir()
    table = make_table(300)
    for k in range(3):
        pq.write_table(table.slice(100 * k, 100), directory / f"part{k}.parquet")
    return directory


def read_dataset(path: Path):
    import pyarrow.dataset as pads

    return pads.dataset(path, format="parquet").to_table()


def test_engine_dask_synthesizes_a_dataset_into_a_dataset(parquet_dataset, tmp_path):
    require("dask")
    out = tmp_path / "synthetic"
    options = ["-n", "500", "--target", "label", "--exact-class-counts", "--seed", "3", "--quiet"]
    assert main(["synthesize", str(parquet_dataset), "-o", str(out), "--engine", "dask", *options]) == 0
    synthetic = read_dataset(out)
    source = read_dataset(parquet_dataset)
    assert synthetic.num_rows == 500
    assert synthetic.column_names == source.column_names
    labels = synthetic.column("label").to_pylist()
    assert labels.count("fraud") == round(500 * 50 / 300)  # exact class counts: 1/6 of the rows
    assert set(synthetic.column("city").drop_null().to_pylist()) <= {"Lyon", "Nice"}
    # Replaced on a second run, from the same seed the same rows; no temporary directory left.
    again = main(["synthesize", str(parquet_dataset), "-o", str(out), "--engine", "dask", *options])
    assert again == 0 and read_dataset(out).equals(synthetic)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset", "synthetic"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--given", "city=Lyon"], "--given is not supported with --engine dask"),
        (["--kind", "town=categorical"], "--kind names column 'town'"),
        (["--exact-class-counts"], "--exact-class-counts needs --target"),
    ],
)
def test_engine_dask_bad_options_are_one_line_status_2(options, message, parquet_dataset, tmp_path, capsys):
    require("dask")
    out = tmp_path / "synthetic"
    status = main(
        ["synthesize", str(parquet_dataset), "-n", "10", "-o", str(out), "--engine", "dask", *options]
    )
    error = capsys.readouterr().err
    assert status == 2 and message in error and len(error.strip().splitlines()) == 1
    assert not out.exists()


def test_engine_dask_missing_dataset_and_file_output(parquet_dataset, tmp_path, capsys):
    require("dask")
    missing = main(
        ["synthesize", str(tmp_path / "nothere"), "-n", "5", "-o", str(tmp_path / "o"), "--engine", "dask"]
    )
    assert missing == 2 and "no such file or directory" in capsys.readouterr().err
    a_file = tmp_path / "out.parquet"
    a_file.write_bytes(b"")
    status = main(["synthesize", str(parquet_dataset), "-n", "5", "-o", str(a_file), "--engine", "dask"])
    assert status == 2 and "OUT is a directory, not a file" in capsys.readouterr().err


def test_engine_dask_failure_keeps_the_old_output(parquet_dataset, tmp_path, monkeypatch, capsys):
    require("dask")
    import skmixup.dask as skmixup_dask

    out = tmp_path / "synthetic"
    arguments = [
        "synthesize",
        str(parquet_dataset),
        "-n",
        "50",
        "-o",
        str(out),
        "--engine",
        "dask",
        "--quiet",
    ]
    assert main(arguments) == 0
    before = read_dataset(out)

    def fail(source, destination, *args, **kwargs):
        (Path(destination) / "part.0.parquet").write_bytes(b"partial")
        raise ValueError("Column 'income' broke half-way")

    monkeypatch.setattr(skmixup_dask, "synthesize_parquet", fail)
    assert main(arguments) == 2
    assert "Column 'income' broke half-way" in capsys.readouterr().err
    assert read_dataset(out).equals(before)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset", "synthetic"]

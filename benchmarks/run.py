"""Run every benchmarks/bench_*.py and print its figures next to their floors and goals.

    python benchmarks/run.py                 # all benchmarks, N = 10,000 components
    python benchmarks/run.py --only catalog  # just bench_catalog.py
    python benchmarks/run.py --n 2000 --json # smaller scale, machine-readable

The plugin API (documented in benchmarks/README.md): a module `bench_<name>.py` defines
`run(ctx: Context) -> None` and reports each measurement with `ctx.figure(...)`. Shared
inputs (the synthetic catalog of N components) come from the context, generated once per
run into a temporary directory.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # bench modules import generate.py as a sibling
    sys.path.insert(0, str(HERE))


@dataclass
class Figure:
    """One measured number, with what it is compared to."""

    bench: str  # the module's short name: "catalog" for bench_catalog.py
    name: str  # what was measured, for a person: "load + validate + graph"
    value: float
    unit: str  # "ms", "s", "MB", "calls", ...
    floor: float | None = None  # the same work done by the plainest baseline, same unit
    max_ratio: float | None = None  # goal: value / floor <= max_ratio
    max_value: float | None = None  # goal: value < max_value (same unit)
    note: str = ""
    min_value: float | None = None  # goal: value >= min_value (scores: higher is better)

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor <= 0:
            return None
        return self.value / self.floor

    @property
    def goal(self) -> str:
        parts = []
        if self.max_ratio is not None:
            parts.append(f"<= {self.max_ratio:g}x floor")
        if self.max_value is not None:
            parts.append(f"< {self.max_value:g} {self.unit}")
        if self.min_value is not None:
            parts.append(f">= {self.min_value:g} {self.unit}".rstrip())
        return ", ".join(parts)

    @property
    def met(self) -> bool | None:
        """True/False against the goal; None when the figure has no goal."""
        if self.max_ratio is None and self.max_value is None and self.min_value is None:
            return None
        ok = True
        if self.max_ratio is not None:
            ok = ok and self.ratio is not None and self.ratio <= self.max_ratio
        if self.max_value is not None:
            ok = ok and self.value < self.max_value
        if self.min_value is not None:
            ok = ok and self.value >= self.min_value
        return ok

    def to_json(self) -> dict:
        data = asdict(self)
        data.update(ratio=self.ratio, goal=self.goal, met=self.met)
        return data


class Context:
    """What a benchmark gets: the scale, a scratch directory, shared inputs, a reporter."""

    def __init__(self, n: int, seed: int, quick: bool, workdir: Path, verbose: bool = True):
        self.n = n  # number of components of the synthetic catalog
        self.seed = seed
        self.quick = quick  # fewer repeats (for smoke runs and CI)
        self.workdir = workdir  # removed after the run unless --keep
        self.figures: list[Figure] = []
        self.bench = ""  # set by the runner before each module runs
        self._verbose = verbose
        self._workspaces: dict[tuple[int, int], Path] = {}

    @property
    def repeat(self) -> int:
        """How many times to repeat a timed operation (best-of / median over these)."""
        return 2 if self.quick else 5

    def workspace(self, n: int | None = None) -> Path:
        """A generated workspace (`catalog/` + `runbooks/`) of n components, made once per run."""
        n = self.n if n is None else n
        key = (n, self.seed)
        if key not in self._workspaces:
            from generate import generate

            path = self.workdir / f"workspace-{n}-{self.seed}"
            started = time.perf_counter()
            summary = generate(n, path, self.seed)
            self.log(
                f"generated {summary['components']} components, {summary['edges']} dependencies, "
                f"{summary['systems']} systems in {time.perf_counter() - started:.1f} s"
            )
            self._workspaces[key] = path
        return self._workspaces[key]

    def figure(
        self,
        name: str,
        value: float,
        unit: str,
        *,
        floor: float | None = None,
        max_ratio: float | None = None,
        max_value: float | None = None,
        note: str = "",
        min_value: float | None = None,
    ) -> Figure:
        fig = Figure(self.bench, name, value, unit, floor, max_ratio, max_value, note, min_value)
        self.figures.append(fig)
        if self._verbose:
            print(format_row(fig), flush=True)
        return fig

    def log(self, message: str) -> None:
        """A progress line on stderr (not part of the results)."""
        print(f"  [{self.bench}] {message}", file=sys.stderr, flush=True)

    @staticmethod
    def timeit(fn: Callable[[], object], repeat: int) -> list[float]:
        """Wall-clock seconds of `repeat` calls of fn."""
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            fn()
            times.append(time.perf_counter() - started)
        return times

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values)


def _num(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return f"{text} {unit}".strip()


HEADER = f"{'bench':<10} {'figure':<46} {'value':>12} {'floor':>12} {'ratio':>7}  {'goal':<16} result"


def format_row(fig: Figure) -> str:
    ratio = "-" if fig.ratio is None else f"{fig.ratio:.2f}x"
    result = {True: "ok", False: "MISSED", None: ""}[fig.met]
    row = (
        f"{fig.bench:<10} {fig.name:<46} {_num(fig.value, fig.unit):>12} "
        f"{_num(fig.floor, fig.unit if fig.floor is not None else ''):>12} {ratio:>7}  {fig.goal:<16} {result}"
    )
    if fig.note:
        row += f"  ({fig.note})"
    return row.rstrip()


def discover(only: list[str] | None) -> list[tuple[str, Path]]:
    found = [(p.stem.removeprefix("bench_"), p) for p in sorted(HERE.glob("bench_*.py"))]
    if only:
        unknown = sorted(set(only) - {name for name, _ in found})
        if unknown:
            names = ", ".join(name for name, _ in found) or "none"
            raise SystemExit(f"run.py: no benchmark named {', '.join(unknown)} (have: {names})")
        found = [(name, path) for name, path in found if name in only]
    return found


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise TypeError(f"{path.name} defines no run(ctx) function")
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run atlas's benchmarks and print their figures.")
    parser.add_argument("--n", type=int, default=10_000, help="components in the synthetic catalog (default 10000)")
    parser.add_argument("--seed", type=int, default=7, help="generator seed (default 7)")
    parser.add_argument("--only", help="comma-separated benchmark names, e.g. catalog,health")
    parser.add_argument("--quick", action="store_true", help="fewer repeats: a smoke run")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON at the end")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    parser.add_argument("--keep", metavar="DIR", help="keep generated inputs in DIR instead of a temp dir")
    parser.add_argument("--traceback", action="store_true", help="show the traceback when a benchmark fails")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("--n must be at least 1")

    benches = discover([s.strip() for s in args.only.split(",") if s.strip()] if args.only else None)
    if args.keep:
        workdir = Path(args.keep)
        workdir.mkdir(parents=True, exist_ok=True)
    else:
        workdir = Path(tempfile.mkdtemp(prefix="atlas-bench-"))
    ctx = Context(args.n, args.seed, args.quick, workdir, verbose=not args.json)
    failed: list[str] = []
    if not args.json:
        print(f"atlas benchmarks: N = {args.n:,} components, seed {args.seed}, python {sys.version.split()[0]}")
        print(HEADER)
    try:
        for name, path in benches:
            ctx.bench = name
            started = time.perf_counter()
            try:
                _load(name, path).run(ctx)
            except Exception as exc:  # one failing benchmark must not hide the others' figures
                failed.append(name)
                print(f"{name:<10} FAILED: {type(exc).__name__}: {exc}", file=sys.stderr)
                if args.traceback:
                    traceback.print_exc()
            ctx.log(f"done in {time.perf_counter() - started:.1f} s")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)

    if args.json:
        print(json.dumps({"n": args.n, "seed": args.seed, "failed": failed,
                          "figures": [f.to_json() for f in ctx.figures]}, indent=2))
    missed = [f for f in ctx.figures if f.met is False]
    if not args.json:
        summary = f"{len(ctx.figures)} figures, {len(missed)} goals missed"
        if failed:
            summary += f", failed: {', '.join(failed)}"
        print(summary)
    if failed or (args.strict and missed):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

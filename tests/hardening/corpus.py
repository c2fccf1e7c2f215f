"""The bad-input corpus's world: a copy of the bundled sample workspace per case, a
snapshot of every file in it (so a case can assert that nothing was lost or changed
outside the edit it expects), and the one-line helpers the tables use."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .conftest import ROOT

TOKEN = "ghp_corpusTOKEN0123456789abcdefXYZ"


class World:
    """tmp_path/ws: catalog/, runbooks/, scenarios/ copied from the repository."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        self.root = tmp_path / "ws"
        self.root.mkdir(parents=True)
        for name in ("catalog", "runbooks", "scenarios"):
            shutil.copytree(ROOT / name, self.root / name, symlinks=True)
        self.catalog = self.root / "catalog"
        self.env: dict[str, str | None] = {
            "GITHUB_TOKEN": None, "GH_TOKEN": None, "GITHUB_API_URL": None, "ATLAS_CATALOG": None,
            "PATH": "/usr/bin:/bin",  # no gh CLI with a real login
            "ATLAS_CACHE_DIR": "off", "MONITORING_EMULATOR_HOST": None, "LOGGING_EMULATOR_HOST": None,
        }

    def file(self, rel: str) -> Path:
        return self.root / rel

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_bytes(text.encode("utf-8"))
        return path

    def edit(self, rel: str, old: str, new: str) -> Path:
        path = self.root / rel
        text = path.read_bytes().decode("utf-8")
        assert old in text, (rel, old)
        path.write_bytes(text.replace(old, new, 1).encode("utf-8"))
        return path

    def snapshot(self) -> dict[str, str]:
        """Every entry under the workspace: relative path -> kind and content hash."""
        out = {}
        for dirpath, dirnames, filenames in os.walk(self.root):
            for name in dirnames + filenames:
                path = Path(dirpath, name)
                rel = str(path.relative_to(self.root))
                st = os.lstat(path)
                if stat.S_ISLNK(st.st_mode):
                    out[rel] = "link:" + os.readlink(path)
                elif stat.S_ISREG(st.st_mode):
                    out[rel] = "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
                elif stat.S_ISDIR(st.st_mode):
                    out[rel] = "dir"
                else:
                    out[rel] = f"special:{stat.S_IFMT(st.st_mode)}"
        return out


@dataclass
class Case:
    """One bad input: what the user runs, the exit code and the line they must see."""

    id: str
    setup: Callable[[World], list[str]]  # prepares the world, returns argv
    code: int
    says: tuple[str, ...] | str
    never: tuple[str, ...] = ()
    changes: tuple[str, ...] = ()  # files the command may change (everything else: untouched)
    check: Callable[[World], None] | None = None
    kind: str = ""

    def __post_init__(self):
        if isinstance(self.says, str):
            self.says = (self.says,)


def run_atlas(world: World, *args: str, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    """`atlas ARGS` as a real process in the workspace (races, kills, hangs)."""
    full = {k: v for k, v in os.environ.items() if not k.endswith("_EMULATOR_HOST")}
    for key, value in {**world.env, **(env or {})}.items():
        if value is None:
            full.pop(key, None)
        else:
            full[key] = value
    return subprocess.run([sys.executable, "-m", "atlas.cli", *args], cwd=world.root, env=full,
                          capture_output=True, text=True, timeout=timeout, check=False)

"""Git history: who actually knows each component's code path.

`git log` runs as a subprocess with an argument list (no shell), on a local clone only;
one pass over the last 12 months gives every file's authors. A component's path is the
folder of the file that declares it. Knowledge levels follow commit counts (a proposal for a
person to confirm, never written over what someone declared), and the bus factor is how
many people made at least a fifth of the commits.
"""

from __future__ import annotations

import subprocess
from collections import defaultdict
from dataclasses import dataclass

from atlas.discovery.files import RepoFiles
from atlas.discovery.model import Evidence, Findings, KnowledgeFinding

WINDOW_DAYS = 365
_SEP = "\x1f"


@dataclass
class Commit:
    sha: str
    email: str
    name: str
    when: int
    files: list[str]


def read_log(root, now: float, git: str = "git") -> list[Commit]:
    """Raises OSError / ValueError with a one-line message when git cannot answer."""
    since = int(now - WINDOW_DAYS * 86400)
    cmd = [git, "-C", str(root), "log", "--no-merges", "--no-renames", f"--since={since}",
           f"--format=%x1e%H{_SEP}%ae{_SEP}%an{_SEP}%at", "--name-only"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=False,
                              env={"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin"})
    except subprocess.TimeoutExpired:
        raise ValueError("git log took more than 60 s") from None
    if proc.returncode != 0:
        first = (proc.stderr.strip().splitlines() or ["git log failed"])[0]
        raise ValueError(first[:200])
    commits = []
    for chunk in proc.stdout.split("\x1e"):
        lines = chunk.strip("\n").splitlines()
        if not lines:
            continue
        head = lines[0].split(_SEP)
        if len(head) != 4 or not head[3].isdigit():
            continue
        commits.append(Commit(head[0], head[1].lower(), head[2], int(head[3]), [l for l in lines[1:] if l.strip()]))
    return commits


def level_for(commits: int) -> str:
    if commits >= 10:
        return "can-debug"
    if commits >= 3:
        return "can-operate"
    return "heard-of"


def bus_factor(counts: dict[str, int]) -> int:
    total = sum(counts.values())
    return sum(1 for n in counts.values() if total and n * 5 >= total)


def discover(repo: RepoFiles, findings: Findings, now: float) -> None:
    if repo.local_root is None:
        return
    if not (repo.local_root / ".git").exists():
        findings.note(f"{repo.name}: not a git clone, no history to read (knowledge not measured)")
        return
    try:
        commits = read_log(repo.local_root, now)
    except (OSError, ValueError) as exc:
        findings.note(f"{repo.name}: git history unreadable: {exc}")
        return
    for comp in sorted(findings.components.values(), key=lambda c: c.id):
        if comp.repo != repo.name or not comp.path:
            continue
        folder = comp.path.rsplit("/", 1)[0] + "/" if "/" in comp.path else ""
        counts: dict[str, int] = defaultdict(int)
        last: dict[str, int] = {}
        names: dict[str, str] = {}
        for c in commits:
            if any(f == comp.path or (folder and f.startswith(folder)) for f in c.files):
                counts[c.email] += 1
                last[c.email] = max(last.get(c.email, 0), c.when)
                names[c.email] = c.name
        where = f"{repo.name}: git log -- {folder or comp.path}"
        for email, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            findings.knowledge.append(KnowledgeFinding(
                comp.id, email, names[email], n, last[email], level_for(n),
                [Evidence("git", where, f"{n} commits in {WINDOW_DAYS} days, bus factor {bus_factor(counts)}")]))

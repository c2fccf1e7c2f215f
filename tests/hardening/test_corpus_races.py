"""The corpus's writes, races, kills, planted files and silent endpoints, with real
processes where a user would have them: two terminals running `atlas handover learn` at
once, a kill mid-command, a cache file another user planted, a GitHub that never answers."""

from __future__ import annotations

import base64
import http.server
import json
import os
import pickle
import random
import signal
import socket
import stat
import subprocess
import sys
import threading
import time
import tomllib
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import assert_clean, atlas
from .corpus import TOKEN, World, run_atlas

SERVING = "catalog/systems/serving.toml"
EXP = "exp-ranker-dwell-v2"


def knowledge(world: World, component: str = "serving-prod") -> dict:
    """The component's knowledge table as the file says it now."""
    from atlas.catalog.loader import load_catalog

    result = load_catalog(world.catalog)
    assert result.ok, [p.format() for p in result.errors]
    handover = result.catalog.components[component].handover
    return dict(handover.knowledge) if handover else {}


def learn(*args: str) -> list[str]:
    return ["handover", "learn", *args]


# -- writes keep the file's own conventions --------------------------------------------


def test_learn_keeps_crlf_line_endings_and_every_other_byte(tmp_path):
    lf, crlf = World(tmp_path / "lf"), World(tmp_path / "crlf")
    path = crlf.file(SERVING)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    for world in (lf, crlf):
        assert_clean(atlas(*learn("serving-prod", "--person", "amara", "--catalog", str(world.catalog)),
                           cwd=world.root, env=world.env), 0)
    data = crlf.file(SERVING).read_bytes()
    assert data.count(b"\n") == data.count(b"\r\n")  # not one line ending turned into LF
    assert data == lf.file(SERVING).read_bytes().replace(b"\n", b"\r\n")  # the same edit, CRLF kept
    assert knowledge(crlf)["amara"] == "can-operate"


def test_learn_keeps_a_byte_order_mark(tmp_path):
    world = World(tmp_path)
    path = world.file(SERVING)
    original = path.read_bytes()
    path.write_bytes(b"\xef\xbb\xbf" + original)
    result = atlas(*learn("serving-prod", "--person", "amara", "--catalog", str(world.catalog)),
                   cwd=world.root, env=world.env)
    assert_clean(result, 0)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and not data.startswith(b"\xef\xbb\xbf" * 2)
    assert knowledge(world)["amara"] == "can-operate"


def test_learn_through_a_symlink_edits_the_target_and_keeps_the_link(tmp_path):
    world = World(tmp_path)
    shared = world.root / "shared"
    shared.mkdir()
    os.replace(world.file(SERVING), shared / "serving.toml")
    os.symlink("../../shared/serving.toml", world.file(SERVING))
    result = atlas(*learn("serving-prod", "--person", "amara", "--catalog", str(world.catalog)),
                   cwd=world.root, env=world.env)
    assert_clean(result, 0)
    assert os.path.islink(world.file(SERVING))
    assert os.readlink(world.file(SERVING)) == "../../shared/serving.toml"
    assert 'amara = "can-operate"' in (shared / "serving.toml").read_text()


def test_runbook_new_through_a_symlinked_catalog_file_keeps_the_link(tmp_path):
    world = World(tmp_path)
    os.replace(world.file(SERVING), world.root / "serving-real.toml")
    os.symlink("../../serving-real.toml", world.file(SERVING))
    result = atlas("runbook", "new", "explain-svc", "--catalog", str(world.catalog), cwd=world.root, env=world.env)
    assert_clean(result, 0)
    assert os.path.islink(world.file(SERVING))
    assert 'runbook = "runbooks/explain-svc.md"' in (world.root / "serving-real.toml").read_text()


INLINE = ('handover = { previous_owner = "recs-core", stage = "owned", support_until = 2026-12-31, '
          'contact = "olga"{knowledge} }}\n')


def _inline_world(tmp_path, knowledge_part: str) -> World:
    world = World(tmp_path)
    block = ('[component.handover]\nprevious_owner = "recs-core"\nstage = "owned"\nsupport_until = 2026-12-31\n'
             'contact = "olga"\n\n[component.handover.knowledge]\nhana = "expert"\nliam = "can-debug"\n'
             'noor = "can-debug"\n')
    world.edit(SERVING, block, "")
    world.edit(SERVING, 'tags = ["gke"]\n', 'tags = ["gke"]\n' + INLINE.replace("{knowledge}", knowledge_part)
               .replace("}}", "}"))
    return world


@pytest.mark.parametrize("knowledge_part", ["", ', knowledge = { hana = "expert" }'],
                         ids=["inline-without-knowledge", "inline-with-knowledge"])
def test_learn_on_an_inline_handover_table(tmp_path, knowledge_part):
    world = _inline_world(tmp_path, knowledge_part)
    before = world.file(SERVING).read_text()
    result = atlas(*learn("serving-prod", "--person", "amara", "--catalog", str(world.catalog)),
                   cwd=world.root, env=world.env)
    assert_clean(result, 0)
    assert "recorded amara = can-operate on serving-prod" in result.output
    after = world.file(SERVING).read_text()
    assert knowledge(world)["amara"] == "can-operate"
    changed = [line for line in after.splitlines() if line not in before.splitlines()]
    assert len(changed) == 1 and changed[0].startswith("handover = {")  # still one inline line
    assert len(after.splitlines()) == len(before.splitlines())


def test_output_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path):
    world = World(tmp_path)
    os.symlink("real-plan.json", world.root / "plan.json")
    result = atlas("handover", "--no-issues", "--format", "json", "-o", "plan.json", "--catalog",
                   str(world.catalog), cwd=world.root, env=world.env)
    assert_clean(result, 0)
    assert os.path.islink(world.root / "plan.json")
    assert "components" in json.loads((world.root / "real-plan.json").read_text())


def test_a_runbook_someone_wrote_is_never_replaced(tmp_path):
    world = World(tmp_path)
    mine = world.write("runbooks/explain-svc.md", "# my notes\n")
    result = atlas("runbook", "new", "explain-svc", "--catalog", str(world.catalog), cwd=world.root, env=world.env)
    assert_clean(result, 1)
    assert "runbooks/explain-svc.md already exists; not overwriting it" in result.output
    assert mine.read_text() == "# my notes\n"


def test_a_kill_between_the_runbook_and_the_catalog_converges_on_rerun(tmp_path):
    """The state a kill leaves after the runbook's link and before the catalog's rename:
    atlas's own draft on disk, the catalog without `runbook = ...`. The re-run finishes."""
    world = World(tmp_path)
    catalog_before = world.file(SERVING).read_bytes()
    first = atlas("runbook", "new", "explain-svc", "--catalog", str(world.catalog), cwd=world.root, env=world.env)
    assert_clean(first, 0)
    draft = world.file("runbooks/explain-svc.md").read_bytes()
    world.file(SERVING).write_bytes(catalog_before)  # the catalog update never happened
    again = atlas("runbook", "new", "explain-svc", "--catalog", str(world.catalog), cwd=world.root, env=world.env)
    assert_clean(again, 0)
    assert 'set runbook = "runbooks/explain-svc.md" on explain-svc' in again.output
    assert world.file("runbooks/explain-svc.md").read_bytes() == draft
    assert 'runbook = "runbooks/explain-svc.md"' in world.file(SERVING).read_text()
    third = atlas("runbook", "new", "explain-svc", "--catalog", str(world.catalog), cwd=world.root, env=world.env)
    assert_clean(third, 1)
    assert "explain-svc already has a runbook" in third.output


def test_a_held_lock_times_out_with_a_clear_line(tmp_path):
    from atlas.fsutil import LockTimeout, locked

    target = tmp_path / "catalog.toml"
    target.write_text("")
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(tmp_path)!r}, os.O_RDONLY)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(30)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockTimeout) as info:
            with locked(target, timeout=0.3):
                pass
        assert "another atlas process has held the lock" in info.value.strerror
    finally:
        holder.kill()
        holder.wait()
    with locked(target, timeout=0.3):  # free again once the holder is gone
        pass


# -- races with real processes ---------------------------------------------------------


@pytest.mark.timeout(600)
def test_fifty_rounds_of_two_concurrent_learns_keep_both_entries(tmp_path):
    world = World(tmp_path)
    people = ["amara", "tomas", "priya", "jonas", "mei", "diego", "sofia", "kwame", "lena", "raj", "olga"]
    lost = []
    env = {k: v for k, v in os.environ.items() if not k.endswith("_EMULATOR_HOST")}
    for key, value in world.env.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    for n in range(50):
        a, b = people[(2 * n) % len(people)], people[(2 * n + 1) % len(people)]
        level = ["heard-of", "can-operate", "can-debug", "expert"][n % 4]
        procs = [subprocess.Popen([sys.executable, "-m", "atlas.cli", *learn("serving-prod", "--person", p,
                                   "--level", level, "--catalog", str(world.catalog))],
                                  cwd=world.root, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for p in (a, b)]
        outs = [p.communicate(timeout=60) for p in procs]
        assert all(p.returncode == 0 for p in procs), outs
        known = knowledge(world)
        if known.get(a) != level or known.get(b) != level:
            lost.append((n, a, b, level, known))
    assert lost == []


@pytest.mark.timeout(300)
def test_learn_and_runbook_new_on_the_same_file_keep_both(tmp_path):
    """Two terminals: `handover learn` on one component, `runbook new` on others in the
    same catalog file, all at once; every edit must survive."""
    commands = [learn("serving-prod", "--person", "amara"), ["runbook", "new", "explain-svc"],
                learn("recs-api", "--person", "tomas"), ["runbook", "new", "recs-admin"]]
    lost = []
    for n in range(8):
        world = World(tmp_path / f"round{n}")
        procs = [subprocess.Popen([sys.executable, "-m", "atlas.cli", *args, "--catalog", str(world.catalog)],
                                  cwd=world.root, env={**os.environ, "ATLAS_CACHE_DIR": "off"},
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for args in commands]
        outs = [p.communicate(timeout=60) for p in procs]
        assert all(p.returncode == 0 for p in procs), outs
        text = world.file(SERVING).read_text()
        kept = (knowledge(world).get("amara") == "can-operate", knowledge(world, "recs-api").get("tomas") == "can-operate",
                'runbook = "runbooks/explain-svc.md"' in text, 'runbook = "runbooks/recs-admin.md"' in text)
        if not all(kept):
            lost.append((n, kept))
    assert lost == []


@pytest.mark.timeout(300)
def test_a_learn_killed_at_any_moment_leaves_the_old_file_or_the_new_one(tmp_path):
    rng = random.Random(17)
    world = World(tmp_path)
    original = world.file(SERVING).read_bytes()
    env = {**os.environ, "ATLAS_CACHE_DIR": "off"}
    for n in range(10):
        world.file(SERVING).write_bytes(original)
        proc = subprocess.Popen([sys.executable, "-m", "atlas.cli", *learn("serving-prod", "--person", "amara",
                                 "--catalog", str(world.catalog))], cwd=world.root, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        data = world.file(SERVING).read_bytes()
        tomllib.loads(data.decode("utf-8"))  # never half a file
        assert data == original or b'amara = "can-operate"' in data
        assert knowledge(world).get("hana") == "expert"  # nothing else lost


# -- the start-up cache: nothing planted is ever unpickled ------------------------------


class _Planted:
    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):  # what a stranger's pickle does when loaded: run code
        return (Path(self.marker).write_text, ("pwned",))


def _plant(tmp_path, file_mode: int, dir_mode: int = 0o755) -> tuple[Path, Path, Path, dict]:
    from atlas.services import cache as catalog_cache

    world = World(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {"ATLAS_CACHE_DIR": str(cache)}
    marker = tmp_path / "marker"
    entry = catalog_cache._entry(world.catalog, env)
    entry.write_bytes(pickle.dumps((_Planted(str(marker)), [])))
    os.chmod(entry, file_mode)
    os.chmod(cache, dir_mode)
    return world.catalog, entry, marker, env


@pytest.mark.parametrize("file_mode, dir_mode", [(0o666, 0o755), (0o664, 0o755), (0o644, 0o755), (0o644, 0o700),
                                                 (0o600, 0o777)],
                         ids=["world-writable", "group-writable", "ours-unsigned", "ours-unsigned-private-dir",
                              "world-writable-dir"])
def test_a_planted_cache_entry_is_never_unpickled(tmp_path, file_mode, dir_mode):
    from atlas.services import cache as catalog_cache

    catalog, entry, marker, env = _plant(tmp_path, file_mode, dir_mode)
    assert catalog_cache.load(catalog, env) is None
    assert not marker.exists()


def test_a_planted_entry_with_a_stolen_key_file_name_is_still_refused(tmp_path):
    """Another user's key file (world-readable, so anyone could sign with it) signs nothing."""
    import hashlib
    import hmac

    from atlas.services import cache as catalog_cache

    catalog, entry, marker, env = _plant(tmp_path, 0o644, 0o700)
    key = b"k" * 32
    (entry.parent / "key").write_bytes(key)
    os.chmod(entry.parent / "key", 0o644)
    body = entry.read_bytes()
    entry.write_bytes(hmac.new(key, body, hashlib.sha256).digest() + body)
    assert catalog_cache.load(catalog, env) is None
    assert not marker.exists()


def test_the_cache_still_works_for_its_owner(tmp_path):
    from atlas.catalog.loader import load_catalog
    from atlas.services import cache as catalog_cache

    world = World(tmp_path)
    env = {"ATLAS_CACHE_DIR": str(tmp_path / "cache")}
    result = load_catalog(world.catalog)
    catalog_cache.store(world.catalog, result.catalog, result.problems, env)
    loaded = catalog_cache.load(world.catalog, env)
    assert loaded is not None and set(loaded[0].components) == set(result.catalog.components)
    assert stat.S_IMODE(os.stat(tmp_path / "cache" / "key").st_mode) == 0o600
    # a byte flipped by anyone makes it a miss, not a load
    entry = catalog_cache._entry(world.catalog, env)
    data = bytearray(entry.read_bytes())
    data[-1] ^= 1
    entry.write_bytes(bytes(data))
    assert catalog_cache.load(world.catalog, env) is None


# -- the token, in every spelling, never leaves ------------------------------------------


def _spellings(token: str) -> list[str]:
    return [token, base64.b64encode(token.encode()).decode(), base64.b64encode(f"x-access-token:{token}".encode())
            .decode(), base64.b64encode(f"someone:{token}".encode()).decode().rstrip("="), quote(token, safe="")]


class _Reflector(http.server.BaseHTTPRequestHandler):
    """A GitHub (or proxy) that reflects the credentials back in its error body."""

    def do_GET(self):  # noqa: N802 - http.server's naming
        auth = self.headers.get("Authorization", "")
        token = auth.split(" ", 1)[-1]
        body = json.dumps({"message": f"Bad credentials for {base64.b64encode(auth.encode()).decode()} "
                                      f"basic={base64.b64encode(f'x-access-token:{token}'.encode()).decode()} "
                                      f"url={quote(token, safe='')}",
                           "documentation_url": "https://docs.github.com/rest"}).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_PATCH = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def reflector():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Reflector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_a_reflected_token_is_scrubbed_from_plan_output(tmp_path, reflector):
    world = World(tmp_path)
    world.env.update(GITHUB_TOKEN=TOKEN, GITHUB_API_URL=reflector, ATLAS_GITHUB_RETRIES="0")
    result = atlas("experiment", "plan", EXP, "--catalog", str(world.catalog), cwd=world.root, env=world.env)
    assert_clean(result, 1)
    assert "GitHub answered 401" in result.output
    written = "".join(p.read_text(errors="replace") for p in world.root.rglob("*") if p.is_file())
    for spelling in _spellings(TOKEN):
        assert spelling not in result.output
        assert spelling not in written


def test_a_reflected_token_is_scrubbed_from_the_handover_plan_json(tmp_path, reflector):
    world = World(tmp_path)
    world.env.update(GITHUB_TOKEN=TOKEN, GITHUB_API_URL=reflector)
    result = atlas("handover", "--format", "json", "-o", "plan.json", "--catalog", str(world.catalog),
                   cwd=world.root, env=world.env)
    assert_clean(result, 0)
    text = (world.root / "plan.json").read_text()
    assert "GitHub rejected the token" in text
    for spelling in _spellings(TOKEN):
        assert spelling not in text and spelling not in result.output


@pytest.mark.parametrize("shape", ["plain", "base64", "basic-user", "basic-x-access", "url", "url-plus-slash",
                                   "urlsafe-base64"])
def test_scrub_removes_every_spelling(shape):
    from atlas.experiments.token import REDACTED, Secret, remember, scrub

    token = "ghp_s/cr+t0123456789abcdefXYZ"
    remember(Secret(token, "test"))
    text = {
        "plain": token,
        "base64": base64.b64encode(token.encode()).decode(),
        "basic-user": "Basic " + base64.b64encode(f"octocat:{token}".encode()).decode(),
        "basic-x-access": base64.b64encode(f"x-access-token:{token}".encode()).decode(),
        "url": quote(token, safe=""),
        "url-plus-slash": quote(token, safe="/"),
        "urlsafe-base64": base64.urlsafe_b64encode(f"u:{token}".encode()).decode(),
    }[shape]
    out = scrub(f"error: {text} (end)")
    assert REDACTED in out and text not in out and token not in out
    assert out.startswith("error: ") and out.endswith(" (end)")


# -- bounded waiting ---------------------------------------------------------------------


@pytest.fixture
def silent_port():
    """A port that accepts TCP connections and never answers a byte."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        sock.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(sock.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield sock.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    sock.close()


@pytest.mark.timeout(60)
def test_plan_against_a_github_that_never_answers_exits_within_15_s(tmp_path, silent_port):
    world = World(tmp_path)
    world.env.update(GITHUB_TOKEN=TOKEN, GITHUB_API_URL=f"http://127.0.0.1:{silent_port}")
    # the bound is the subprocess timeout: TimeoutExpired fails the test
    done = run_atlas(world, "experiment", "plan", EXP, "--catalog", str(world.catalog), timeout=15)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert f"connection to 127.0.0.1:{silent_port} failed (timed out" in lines[0]


# -- hangs: FIFOs where a file was expected ----------------------------------------------


@pytest.mark.timeout(20)
def test_a_fifo_keymap_is_reported_not_waited_on(tmp_path):
    from atlas.tui.bindings import load_keymap

    pipe = tmp_path / "keymap.toml"
    os.mkfifo(pipe)
    keymap, problem = load_keymap(pipe)
    assert keymap == {}
    assert problem == f"keymap {pipe}: is a FIFO (named pipe), not a regular file; using the default keys"


@pytest.mark.parametrize("text, says", [
    ("a = " + "[" * 3000 + "]" * 3000, "nested more than 64 levels deep"),
    ("a = " + "{b = " * 2000 + "1" + "}" * 2000, "nested more than 64 levels deep"),
    ("[app\n", "Expected ']'"),
    ("\udcff", "invalid"),
], ids=["deep-arrays", "deep-tables", "syntax", "not-utf8"])
def test_a_bad_keymap_is_one_line_and_the_defaults_stay(tmp_path, text, says):
    from atlas.tui.bindings import load_keymap

    path = tmp_path / "keymap.toml"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    keymap, problem = load_keymap(path)
    assert keymap == {}
    assert problem.startswith(f"keymap {path}: ") and says in problem and problem.endswith("using the default keys")
    assert "\n" not in problem


# -- scale -------------------------------------------------------------------------------


@pytest.mark.timeout(300)
def test_a_large_backstage_import_is_complete_and_correct(tmp_path):
    """The correctness half of the 100,000-entity figure (benchmarks/bench_backstage.py
    holds the timing): every entity arrives, with its dependency, and reads back."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    try:
        from bench_backstage import backstage_yaml
    finally:
        sys.path.pop(0)
    n = 3000
    src = tmp_path / "catalog-info.yaml"
    src.write_text(backstage_yaml(n))
    result = atlas("import", "backstage", "--into", str(tmp_path / "out"), str(src))
    assert_clean(result, 0)
    assert f"imported {n:,} components".replace(",", "") in result.output.replace(",", "")
    from atlas.catalog.loader import load_catalog

    loaded = load_catalog(tmp_path / "out")
    comps = loaded.catalog.components
    assert len(comps) == n
    assert list(comps["svc-2999"].depends_on) == ["svc-2998"] and not comps["svc-0"].depends_on
    assert {c.owner for c in comps.values()} == {"ranking"}


@pytest.mark.timeout(60)
def test_the_handover_plan_against_a_github_that_never_answers_prints_within_15_s(tmp_path, silent_port):
    world = World(tmp_path)
    world.env.update(GITHUB_API_URL=f"http://127.0.0.1:{silent_port}")
    done = run_atlas(world, "handover", "--format", "json", "-o", "plan.json", "--catalog", str(world.catalog),
                     timeout=15)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert f"GitHub unreachable at 127.0.0.1:{silent_port} (timed out): issues skipped" in done.stderr
    assert json.loads((world.root / "plan.json").read_text())["components"]


def test_a_reflected_token_is_scrubbed_from_discover_notes(tmp_path, reflector):
    world = World(tmp_path)
    world.env.update(GITHUB_TOKEN=TOKEN, GITHUB_API_URL=reflector, ATLAS_GITHUB_RETRIES="0")
    result = atlas("discover", "--repo", "nw-recs/serving", "--format", "json", "-o", "found.json",
                   "--catalog", str(world.catalog), cwd=world.root, env=world.env)
    assert_clean(result, 0)
    assert "nw-recs/serving: cannot list files" in result.output
    written = "".join(p.read_text(errors="replace") for p in world.root.rglob("*") if p.is_file())
    for spelling in _spellings(TOKEN):
        assert spelling not in result.output and spelling not in written

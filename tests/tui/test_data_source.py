"""The real services under the TUI: TOML catalog from disk, the start-up cache, the demo end to end."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from atlas.commands.tui import launch
from atlas.services import Services
from tests.helpers import component, write_catalog

from .conftest import SIZE, settle
from .product import Snapshot
from .screen_text import Notices, screen_text

ROOT = Path(__file__).resolve().parents[2]


def small_catalog(tmp_path: Path) -> Path:
    return write_catalog(tmp_path, components=[
        component("events", kind="bigquery_dataset", owner="data-eng", system="ingest"),
        component("ranker-svc", owner="ranking", system="serving", depends_on=["events"]),
    ])


async def test_catalog_from_disk_without_health(tmp_path, make_app):
    app = make_app(Services(small_catalog(tmp_path), demo=False), live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "events" in text and "ranker-svc" in text
        assert "○ 2 NO DATA" in text.splitlines()[0]


def test_cache_serves_the_next_start_and_misses_after_an_edit(tmp_path, private_cache):
    root = small_catalog(tmp_path)
    first = Services(root, demo=False, use_cache=True)
    first.load()
    first.persist()
    assert list(private_cache.glob("catalog-*.pickle"))

    again = Services(root, demo=False, use_cache=True)
    assert sorted(again.load().catalog.components) == ["events", "ranker-svc"]
    assert again.loaded.files == []  # came from the cache: no TOML file was read

    serving = root / "systems" / "serving.toml"
    serving.write_text(serving.read_text() + '\n[[component]]\nid = "recs-api"\nkind = "grpc_service"\n'
                       'owner = "ranking"\nsystem = "serving"\n', encoding="utf-8")
    os.utime(serving, ns=(serving.stat().st_atime_ns, serving.stat().st_mtime_ns + 1_000_000))
    edited = Services(root, demo=False, use_cache=True)
    assert "recs-api" in edited.load().catalog.components


def test_a_runbook_written_since_the_cache_was_kept_is_not_missing(tmp_path, private_cache):
    """The runbook files live outside the catalog, so a cached load makes their findings again;
    and a relative path to the catalog is the same cache entry as its absolute path."""
    root = write_catalog(tmp_path, components=[
        component("ranker-svc", owner="ranking", system="serving", runbook="runbooks/ranker-svc.md")],
        create_runbooks=False)
    first = Services(root, demo=False, use_cache=True)
    assert [p.code for p in first.load().problems if p.code.startswith("runbook")] == ["runbook-missing"]
    first.persist()
    (tmp_path / "runbooks").mkdir(exist_ok=True)
    (tmp_path / "runbooks" / "ranker-svc.md").write_text("# ranker-svc\n", encoding="utf-8")
    os.chdir(tmp_path)  # pytest restores nothing here: go back below
    try:
        again = Services(Path(root.name), demo=False, use_cache=True)
        assert again.load().files == []  # from the cache, by its relative path
        assert not [p for p in again.load().problems if p.code.startswith("runbook")]
    finally:
        os.chdir(ROOT)


def test_a_warm_start_orders_the_catalog_without_the_graph_engine(tmp_path, private_cache):
    """The first frame lists components in data-flow order; from the start-up cache that
    order comes without importing networkx (most of the start-up time otherwise)."""
    root = small_catalog(tmp_path)
    first = Services(root, demo=False, use_cache=True)
    first.load()
    first.persist()
    code = ("import sys\nfrom atlas.services import Services\n"
            "loaded = Services(sys.argv[1], demo=False, use_cache=True).load()\n"
            "print(loaded.files, loaded.order, 'networkx' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=60,
                          cwd=ROOT, env={**os.environ, "ATLAS_CACHE_DIR": str(private_cache)})
    assert done.stdout.split("\n")[0] == "[] ['events', 'ranker-svc'] False", done.stderr
    assert first.loaded.order == first.graph.topological_order() == ["events", "ranker-svc"]


def test_a_damaged_cache_is_ignored(tmp_path, private_cache):
    root = small_catalog(tmp_path)
    source = Services(root, demo=False, use_cache=True)
    source.load()
    source.persist()
    for entry in private_cache.glob("catalog-*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert sorted(Services(root, demo=False, use_cache=True).load().catalog.components) == ["events", "ranker-svc"]


async def test_catalog_errors_are_one_line_notifications(tmp_path, make_app):
    root = write_catalog(tmp_path, components=[
        component("ranker-svc", owner="ranking", system="serving", depends_on=["evnets", "ghost"]),
    ])
    app = make_app(Services(root, demo=False), live=False)
    notices = Notices()
    async with app.run_test(size=SIZE, message_hook=notices) as pilot:
        await settle(app, pilot)
        errors = notices.messages("error")
        assert len(errors) == 1 and "\n" not in errors[0]
        assert "ranker-svc" in errors[0] and "depends_on" in errors[0] and "run atlas lint" in errors[0]
        assert "ranker-svc" in screen_text(app)  # best effort: the rest still shows


def test_launch_on_a_missing_directory_is_one_line(tmp_path, capsys):
    assert launch(tmp_path / "nope") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "catalog directory" in err and "nope" in err


async def test_demo_end_to_end_on_the_sample_catalog(make_app, monkeypatch):
    """The embedded emulators over loopback, the real health service, the real triage, on a
    scratch copy of the sample: the process environment is never edited."""
    for key in ("MONITORING_EMULATOR_HOST", "LOGGING_EMULATOR_HOST", "GITHUB_API_URL", "GITHUB_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    before = dict(os.environ)
    services = Services(ROOT / "catalog", demo=None, scratch=True)  # the sample says demo = true
    app = make_app(services)
    try:
        async with app.run_test(size=(140, 40)) as pilot:
            for _ in range(300):
                if app.health.snapshot is not None or app.health.error:
                    break
                await pilot.pause(0.1)
            await settle(app, pilot)
            header = screen_text(app).splitlines()[0]
            assert " DEMO " in header and "CRIT" in header and "refreshed" in header
            assert app.health.error == ""
            await pilot.press("t")
            await pilot.pause()
            lines = [ln for ln in screen_text(app).splitlines() if "CAUSE" in ln]
            assert "feature-backfill" in lines[0]
            assert services.env_for("gcp")["MONITORING_EMULATOR_HOST"].startswith("127.0.0.1:")
            scratch = services.catalog_dir
            assert scratch != ROOT / "catalog" and (scratch / "atlas.toml").is_file()
    finally:
        services.close()
    assert dict(os.environ) == before  # nothing points at a stopped emulator
    assert not scratch.exists()  # the demo's scratch copy is gone with the session


async def test_an_unreadable_catalog_says_why_and_triage_gives_no_all_clear(tmp_path, make_app):
    root = tmp_path / "broken"
    root.mkdir()
    (root / "atlas.toml").write_text('name = "x"\n[[[bad\n', encoding="utf-8")
    app = make_app(Services(root, demo=False), live=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "No components in" in text and "First problem: " in text and "atlas.toml:2" in text
        app.health.accept(Snapshot({}), [])  # a refresh that found nothing to measure
        await pilot.press("t")
        await pilot.pause()
        text = screen_text(app)
        assert "No components in the catalog: nothing to triage." in text
        assert "Nothing is failing" not in text

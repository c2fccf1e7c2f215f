"""The bad-input corpus, table-driven: catalog files, manifests, templates, Backstage,
environment and flags. Every case asserts the exit code, the one line the user sees,
that no traceback appeared, and that no file changed except the ones the command may edit.

Races, kills, the start-up cache and silent endpoints run real processes: test_corpus_races.py.
"""

from __future__ import annotations

import os
import stat

import pytest

from .conftest import assert_clean, atlas
from .corpus import TOKEN, Case, World

SERVING = "catalog/systems/serving.toml"
TEAMS = "catalog/teams.toml"
SIGNALS = "catalog/signals.toml"
TEMPLATES = "catalog/experiment-templates.toml"
MANIFEST = "catalog/experiments/exp-ranker-dwell-v2.toml"
EXP = "exp-ranker-dwell-v2"
HANDOVER_BLOCK = '''[component.handover]
previous_owner = "recs-core"
stage = "owned"
support_until = 2026-12-31
contact = "olga"

[component.handover.knowledge]
hana = "expert"
liam = "can-debug"
noor = "can-debug"
'''


def deep_toml(levels: int = 5000) -> str:
    return "x = " + "[" * levels + "]" * levels + "\n"


def deep_inline(levels: int = 3000) -> str:
    return "x = " + "{a = " * levels + "1" + "}" * levels + "\n"


def deep_dotted(levels: int = 200) -> str:
    return ".".join(f"k{i}" for i in range(levels)) + " = 1\n"


def laughs(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ",".join([f"*l{i - 1}"] * 9) + "]")
    body = "\n".join("    " + line for line in lines)
    # the bomb goes off where the importer reads a value: the description is made a string
    return ("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: bomb\n"
            f"  laughs:\n{body}\n  description: *l{levels - 1}\nspec:\n  type: service\n"
            "  owner: group:default/a\n")


COMPONENT_YAML = ("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: ranker-svc\n{meta}"
                  "spec:\n  type: service\n  owner: group:default/ranking\n")


GROUP_YAML = "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: ranking\nspec:\n  type: team\n"
IMPORTED = ("imported", "imported/components.toml")


def fifo(w: World, rel: str):
    path = w.file(rel)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def lint(w: World) -> list[str]:
    return ["lint", "--catalog", str(w.catalog)]


def plan(w: World, url: str | None = None) -> list[str]:
    w.env["GITHUB_TOKEN"] = TOKEN
    if url is not None:
        w.env["GITHUB_API_URL"] = url
    return ["experiment", "plan", EXP, "--catalog", str(w.catalog)]


def with_file(rel: str, text, argv=lint):
    def setup(w: World):
        w.write(rel, text)
        return argv(w)
    return setup


def with_edit(rel: str, old: str, new: str, argv=lint):
    def setup(w: World):
        w.edit(rel, old, new)
        return argv(w)
    return setup


def backstage(text, *extra: str):
    def setup(w: World):
        src = w.write("in/catalog-info.yaml", text)
        return ["import", "backstage", "--into", str(w.root / "imported"), str(src), *extra]
    return setup


def url_case(cid: str, url: str, says: str) -> list[Case]:
    """One bad GITHUB_API_URL, for the two commands that call GitHub."""
    line = f"atlas: GITHUB_API_URL={url!r}: {says}"
    return [
        Case(f"env-plan-{cid}", lambda w: plan(w, url), 1, line, kind="environment"),
        Case(f"env-handover-{cid}", lambda w: (w.env.update(GITHUB_API_URL=url), ["handover"])[1], 0,
             f"GITHUB_API_URL={url!r}: {says}", kind="environment"),
    ]


def _bom(w: World):
    w.write(TEAMS, b"\xef\xbb\xbf" + w.file(TEAMS).read_bytes())
    return lint(w)


def _loop(w: World):
    os.symlink("loop-b.toml", w.file("catalog/loop-a.toml"))
    os.symlink("loop-a.toml", w.file("catalog/loop-b.toml"))
    return lint(w)


def _runbook_loop(w: World):
    os.symlink("loop2.md", w.file("runbooks/loop1.md"))
    os.symlink("loop1.md", w.file("runbooks/loop2.md"))
    w.edit(SERVING, 'runbook = "runbooks/serving-prod.md"', 'runbook = "runbooks/loop1.md"')
    return lint(w)


def _long_id(w: World):
    long_id = "svc-" + "x" * 300
    with open(w.file(SERVING), "a", encoding="utf-8") as fh:
        fh.write(f'\n[[component]]\nid = "{long_id}"\nkind = "grpc_service"\nsystem = "serving"\n'
                 'owner = "serving-platform"\n')
    return ["runbook", "new", long_id, "--catalog", str(w.catalog)]


def _dir_toml(w: World):
    w.file("catalog/odd.toml").mkdir()
    return lint(w)


def _template_no_model(w: World):
    w.edit(TEMPLATES, 'model = "ranker"\n', "")
    return lint(w)


def _template_bad_target(w: World):
    w.edit(TEMPLATES, 'format = "toml"', 'format = "xml"')
    return lint(w)


CATALOG = [
    Case("toml-deep-arrays", with_file("catalog/deep.toml", deep_toml()), 1,
         "deep.toml: values nested more than 64 levels deep", kind="catalog"),
    Case("toml-deep-inline-tables", with_file("catalog/deep.toml", deep_inline()), 1,
         "deep.toml: values nested more than 64 levels deep", kind="catalog"),
    Case("toml-deep-dotted-keys", with_file("catalog/deep.toml", deep_dotted()), 1,
         "deep.toml: values nested more than 64 levels deep", kind="catalog"),
    Case("toml-deep-in-health", with_file("catalog/deep.toml", deep_toml(),
                                          lambda w: ["show", "serving-prod", "--catalog", str(w.catalog)]), 1,
         "deep.toml: values nested more than 64 levels deep", kind="catalog"),
    Case("toml-bom", _bom, 0, "teams.toml: starts with a UTF-8 byte order mark (BOM)",
         never=("unknown team", "Invalid statement"), kind="catalog"),
    Case("toml-symlink-loop", _loop, 1, "loop-a.toml: cannot read file: Too many levels of symbolic links",
         kind="catalog"),
    Case("toml-symlink-loop-handover", lambda w: (_loop(w), ["handover", "--no-issues", "--catalog",
                                                             str(w.catalog)])[1], 1,
         "loop-b.toml: cannot read file: Too many levels of symbolic links", kind="catalog"),
    Case("runbook-symlink-loop", _runbook_loop, 0, "component serving-prod: runbook", kind="catalog"),
    Case("toml-fifo", lambda w: (fifo(w, "catalog/pipe.toml"), lint(w))[1], 1,
         "pipe.toml: not a regular file", kind="catalog"),
    Case("toml-directory", _dir_toml, 0, "", kind="catalog"),
    Case("toml-not-utf8", with_file("catalog/latin1.toml", b'[[team]]\nid = "caf\xe9"\n'), 1,
         "latin1.toml: not UTF-8 text (byte 18)", kind="catalog"),
    Case("toml-syntax", with_file("catalog/broken.toml", "[[team]\nid = 1\n"), 1,
         "broken.toml:1: TOML syntax error", kind="catalog"),
    Case("toml-unknown-table", with_file("catalog/odd.toml", '[[tem]]\nid = "x"\n'), 0,
         'unknown table "tem"', kind="catalog"),
    Case("toml-wrong-type", with_file("catalog/odd.toml", 'team = 3\n'), 1,
         "expected an array of tables [[team]], got", kind="catalog"),
    Case("toml-duplicate-team", with_file("catalog/dup.toml", '[[team]]\nid = "data-eng"\nname = "D"\n'), 1,
         'duplicate team id "data-eng"', kind="catalog"),
    Case("toml-unknown-owner", with_edit(SERVING, 'owner = "serving-platform"', 'owner = "nobody-team"'), 1,
         'owner: unknown team "nobody-team"', kind="catalog"),
    Case("toml-cycle", with_edit(SERVING, 'id = "serving-prod"\n', 'id = "serving-prod"\ndepends_on = ["recs-api"]\n'),
         1, "dependency cycle", kind="catalog"),
    Case("toml-nan-threshold", with_edit(SIGNALS, "warn = ", "warn = nan # "), 1, "is not a finite number",
         kind="catalog"),
    Case("toml-control-char-id", with_file("catalog/odd.toml", '[[team]]\nid = "a\\u0007b"\nname = "x"\n'), 1,
         'team "a\\u0007b"', kind="catalog"),
    Case("catalog-missing", lambda w: ["lint", "--catalog", str(w.root / "nope")], 2,
         "does not exist", kind="catalog"),
    Case("catalog-name-too-long", lambda w: ["lint", "--catalog", "c" * 300], 2,
         "cannot be read (File name too long)", kind="catalog"),
    Case("catalog-is-a-file", lambda w: ["lint", "--catalog", str(w.file(TEAMS))], 2,
         "teams.toml' is a file", kind="catalog"),
    Case("catalog-is-a-file-env", lambda w: (w.env.update(ATLAS_CATALOG=str(w.file(TEAMS))), ["lint"])[1], 2,
         "teams.toml' is a file", kind="catalog"),
    Case("placeholder-log-filter-unfilled",
         with_edit(SIGNALS, 'resource.labels.topic_id="{topic_id}"', 'resource.labels.topic_id="{topic}"'), 0,
         "log filter placeholder {topic} has no value: the query would match nothing", kind="catalog"),
    Case("placeholder-metric-unfilled",
         with_edit(SIGNALS, 'metric_type = "dataflow.googleapis.com/job/system_lag"',
                   'metric_type = "dataflow.googleapis.com/job/{lag_metric}"'), 0,
         "needs label lag_metric", kind="catalog"),
    Case("template-no-model", _template_no_model, 1,
         "experiment_template ranker: model: missing: the model the experiment trains", kind="templates"),
    Case("template-bad-target-role", _template_bad_target, 1, "experiment_template ranker: target", kind="templates"),
    Case("template-deep", with_edit(TEMPLATES, 'value = { enabled = true, experiment = "{id}" }',
                                    "value = " + "[" * 3000 + "]" * 3000), 1,
         "experiment-templates.toml: values nested more than 64 levels deep", kind="templates"),
    Case("template-deep-plan", with_edit(TEMPLATES, 'value = { enabled = true, experiment = "{id}" }',
                                         "value = " + "[" * 3000 + "]" * 3000, plan), 1,
         "unknown template 'ranker'", kind="templates"),
    Case("template-broken-plan", lambda w: (_template_no_model(w), plan(w))[1], 1,
         "experiment_template ranker: model: missing", kind="templates"),
]

MANIFESTS = [
    Case("manifest-deep", with_file(MANIFEST, deep_toml(), plan), 1, "nested more than 64 levels deep",
         kind="manifests"),
    Case("manifest-deep-lint", with_file(MANIFEST, deep_toml()), 1, "nested more than 64 levels deep",
         kind="manifests"),
    Case("manifest-deep-inline", with_file(MANIFEST, deep_inline(), plan), 1, "nested more than 64 levels deep",
         kind="manifests"),
    Case("manifest-fifo", lambda w: (w.file(MANIFEST).unlink(), fifo(w, MANIFEST), plan(w))[2], 1,
         "not a regular file", kind="manifests"),
    Case("manifest-not-utf8", with_file(MANIFEST, b"id = \"caf\xe9\"\n", plan), 1, "not UTF-8 text",
         kind="manifests"),
    Case("manifest-syntax", with_file(MANIFEST, "[experiment\n", plan), 1, "not valid TOML", kind="manifests"),
    Case("manifest-missing", lambda w: (w.file(MANIFEST).unlink(), plan(w))[1], 1, EXP, kind="manifests"),
    Case("manifest-unknown-template", with_edit(MANIFEST, 'template = "ranker"', 'template = "rankr"', plan), 1,
         "rankr", kind="manifests"),
    Case("manifest-list-deep", with_file("catalog/experiments/deep.toml", deep_toml(),
                                         lambda w: ["experiment", "list", "--catalog", str(w.catalog)]), 1,
         "nested more than 64 levels deep", kind="manifests"),
]

BACKSTAGE = [
    Case("backstage-fifo", lambda w: (fifo(w, "in/pipe.yaml"), ["import", "backstage", "--into",
                                      str(w.root / "imported"), str(w.file("in/pipe.yaml"))])[1], 1,
         "pipe.yaml: is a FIFO (named pipe), not a regular file; Backstage files are YAML text", kind="backstage"),
    Case("backstage-deep", backstage("a: " + "[" * 3000 + "]" * 3000 + "\n"), 1,
         "catalog-info.yaml: nested more than 64 levels deep", kind="backstage"),
    Case("backstage-deep-maps", backstage("a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 100)) +
                                          "  " * 100 + "v: 1\n"), 1,
         "catalog-info.yaml: nested more than 64 levels deep", kind="backstage"),
    Case("backstage-billion-laughs", backstage(laughs()), 1,
         "expands to more than 20,000,000 YAML nodes", kind="backstage"),
    Case("backstage-many-aliases", backstage("a: &a x\nb: [" + ",".join(["*a"] * 10_001) + "]\n"), 1,
         "more than 10,000 YAML aliases", kind="backstage"),
    Case("backstage-python-tag", backstage("!!python/object/apply:os.system [\"true\"]\n"), 1,
         "YAML tag !!python/object/apply:os.system is not allowed", kind="backstage"),
    Case("backstage-not-utf8", backstage(b"kind: Component\nmetadata:\n  name: caf\xe9\n"), 1,
         "not UTF-8 text (byte 37)", kind="backstage"),
    Case("backstage-syntax", backstage("kind: [unclosed\n"), 1, "YAML syntax error", kind="backstage"),
    Case("backstage-not-mapping", backstage("- a\n- b\n"), 1, "document 1: expected a mapping, got list",
         kind="backstage"),
    Case("backstage-deep-json-annotation",
         backstage(COMPONENT_YAML.format(meta="  annotations:\n    atlas/knowledge: '" + "[" * 3000 + "]" * 3000
                                         + "'\n")), 0, "annotation nests too deeply; ignored", changes=IMPORTED, kind="backstage"),
    Case("backstage-bad-json-annotation",
         backstage(COMPONENT_YAML.format(meta="  annotations:\n    atlas/knowledge: '{not json'\n")), 0,
         "annotation is not JSON; ignored", changes=IMPORTED, kind="backstage"),
    Case("backstage-directory", lambda w: (w.file("in").mkdir(), ["import", "backstage", str(w.file("in"))])[1],
         2, "is a directory", kind="backstage"),
    Case("backstage-missing", lambda w: ["import", "backstage", str(w.root / "nope.yaml")], 2, "does not exist",
         kind="backstage"),
    Case("backstage-would-overwrite",
         lambda w: backstage(GROUP_YAML)(w)[:3] + [str(w.catalog), str(w.file("in/catalog-info.yaml"))],
         1, "teams.toml; use --force to replace", kind="backstage"),
]

ENVIRONMENT = [
    *url_case("ftp", "ftp://example.com", "scheme must be http or https, not 'ftp'"),
    *url_case("file", "file:///etc/passwd", "scheme must be http or https, not 'file'"),
    *url_case("port-range", "http://127.0.0.1:99999", "port out of range 0-65535"),
    *url_case("port-text", "http://127.0.0.1:http", "port could not be cast to integer value as 'http'"),
    *url_case("host-space", "http://git hub.example", "contains a space or a control character"),
    *url_case("no-host", "http://:8080", "no host"),
    *url_case("no-scheme", "api.github.com", "scheme must be http or https, not 'missing'"),
    Case("env-url-password-not-echoed", lambda w: plan(w, f"ftp://x:{TOKEN}@example.com"), 1,
         "scheme must be http or https", never=(TOKEN,), kind="environment"),
    Case("env-retries-not-a-number", lambda w: (w.env.update(ATLAS_GITHUB_RETRIES="many"), plan(w))[1], 1,
         "ATLAS_GITHUB_RETRIES='many' is not a number", kind="environment"),
    Case("env-no-token", lambda w: (plan(w, "http://127.0.0.1:9"), w.env.update(GITHUB_TOKEN=None))[0], 1,
         "no GitHub token", kind="environment"),
    Case("env-atlas-catalog-missing", lambda w: (w.env.update(ATLAS_CATALOG=str(w.root / "gone")), ["lint"])[1], 2,
         "does not exist", kind="environment"),
]

FLAGS = [
    *(Case(f"flag-watch-{v}", lambda w, v=v: ["health", "--watch", v, "--catalog", str(w.catalog)], 2,
           says, kind="flags")
      for v, says in (("nan", "nan is not a number of seconds"), ("NaN", "nan is not a number of seconds"),
                      ("inf", "inf is not in the range 1<=x<=86400"),
                      ("-inf", "-inf is not in the range 1<=x<=86400"),
                      ("1e400", "inf is not in the range 1<=x<=86400"),
                      ("0", "0.0 is not in the range 1<=x<=86400"), ("soon", "'soon' is not a valid float"))),
    Case("flag-bad-format", lambda w: ["handover", "--format", "pdf", "--catalog", str(w.catalog)], 2,
         "'pdf' is not one of", kind="flags"),
    Case("flag-learn-bad-level", lambda w: ["handover", "learn", "serving-prod", "--person", "amara", "--level",
                                            "guru", "--catalog", str(w.catalog)], 1,
         "unknown knowledge level 'guru'", kind="flags"),
    Case("flag-learn-unknown-person", lambda w: ["handover", "learn", "serving-prod", "--person", "amra",
                                                 "--catalog", str(w.catalog)], 1,
         "unknown person 'amra' (did you mean amara?)", kind="flags"),
    Case("flag-learn-unknown-component", lambda w: ["handover", "learn", "serving-prd", "--person", "amara",
                                                    "--catalog", str(w.catalog)], 1,
         "unknown component 'serving-prd'", kind="flags"),
    Case("flag-runbook-unknown", lambda w: ["runbook", "new", "nope", "--catalog", str(w.catalog)], 1,
         "unknown component 'nope'", kind="flags"),
    Case("flag-runbook-long-id", _long_id, 1,
         "a name in the path is 307 bytes long; the file system allows 255", never=("File name too long",),
         kind="flags"),
    Case("flag-schema-check-fifo", lambda w: (fifo(w, "schema.json"), ["schema", "--check",
                                              str(w.file("schema.json"))])[1], 1,
         "is a FIFO (named pipe), not a regular file", kind="flags"),
    Case("flag-schema-check-missing", lambda w: ["schema", "--check", str(w.root / "nope.json")], 1,
         "cannot read", kind="flags"),
    Case("flag-keymap-is-not-a-flag", lambda w: ["tui", "--keymap", "x"], 2, "No such command", kind="flags"),
]

OUTPUTS = []
for _fmt_cmd in (["handover", "--no-issues", "--format", "json"], ["schema"], ["export", "backstage"]):
    _name = _fmt_cmd[0]

    def _cmd(w, extra, c=_fmt_cmd):
        argv = list(c) + extra
        if c[0] != "schema":
            argv += ["--catalog", str(w.catalog)]
        return argv

    OUTPUTS += [
        Case(f"output-{_name}-fifo", lambda w, _cmd=_cmd: (fifo(w, "out.fifo"), _cmd(w, ["-o", str(w.file("out.fifo"))]))[1],
             1, "is a FIFO (named pipe), not a regular file; not replacing it", kind="flags"),
        Case(f"output-{_name}-directory",
             lambda w, _cmd=_cmd: (w.file("outdir").mkdir(), _cmd(w, ["-o", str(w.file("outdir"))]))[1],
             1 if _name == "handover" else 2, "outdir", kind="flags"),
    ]


def _dev_null(w: World):
    return ["schema", "-o", "/dev/null"]


def _dev_null_kept(w: World):
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def _char_device(w: World):
    if os.geteuid() != 0:
        pytest.skip("only root can make a device node (and only root could replace one)")
    os.mknod(w.file("null"), stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a /dev/null of our own
    return ["schema", "-o", str(w.file("null"))]


def _char_device_kept(w: World):
    assert stat.S_ISCHR(os.lstat(w.file("null")).st_mode)


OUTPUTS.append(Case("output-char-device", _char_device, 1, "null: is a device, not a regular file; not replacing it",
                    check=_char_device_kept, kind="flags"))
OUTPUTS.append(Case("output-dev-null", _dev_null, 1, "/dev/null: is a device, not a regular file; not replacing it",
                    check=_dev_null_kept, kind="flags"))

CASES = CATALOG + MANIFESTS + BACKSTAGE + ENVIRONMENT + FLAGS + OUTPUTS


@pytest.mark.timeout(30)  # a FIFO that is waited on, or a billion laughs, fails here instead of hanging
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(tmp_path, case: Case):
    world = World(tmp_path)
    argv = case.setup(world)
    before = world.snapshot()
    result = atlas(*argv, cwd=world.root, env=world.env)
    assert_clean(result, case.code)
    for line in case.says:
        assert line in result.output, result.output
    for text in case.never:
        assert text not in result.output, result.output
    after = world.snapshot()
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert changed <= set(case.changes), f"changed outside the command's own files: {sorted(changed)}"
    if case.check is not None:
        case.check(world)


def test_the_corpus_is_big_enough():
    assert len({c.id for c in CASES}) == len(CASES)
    assert len(CASES) >= 100 - 30  # with the write, race, kill and cache cases in test_corpus_races.py

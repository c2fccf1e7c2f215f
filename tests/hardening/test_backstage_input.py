"""`atlas import backstage` on hostile or sloppy YAML: refused or mapped, never executed,
never a traceback."""

from __future__ import annotations

import tomllib

from .conftest import assert_clean, atlas

COMPONENT = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ranker-svc
{meta}spec:
  type: grpc-service
  owner: group:default/ranking
{spec}"""


def test_python_object_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "pwned"
    src = tmp_path / "catalog-info.yaml"
    src.write_text(f'!!python/object/apply:os.system ["touch {marker}"]\n')
    result = atlas("import", "backstage", "--into", str(tmp_path / "out"), str(src))
    assert_clean(result, 1)
    assert result.output.strip() == (f"atlas: {src}:1: YAML tag !!python/object/apply:os.system is not allowed "
                                     "(Backstage files are plain data: remove the tag)")
    assert not marker.exists()
    assert not (tmp_path / "out").exists()


def test_non_utf8_yaml_names_the_byte(tmp_path):
    src = tmp_path / "catalog-info.yaml"
    src.write_bytes(b"kind: Component\nmetadata:\n  name: caf\xe9\n")
    result = atlas("import", "backstage", "--into", str(tmp_path / "out"), str(src))
    assert_clean(result, 1)
    assert result.output.strip() == f"atlas: {src}: not UTF-8 text (byte 37); save it as UTF-8"


def test_a_lone_dependsOn_string_is_one_dependency_not_its_letters(tmp_path):
    src = tmp_path / "catalog-info.yaml"
    src.write_text(COMPONENT.format(meta="", spec="  dependsOn: component:default/feature-cache\n"))
    result = atlas("import", "backstage", "--into", str(tmp_path / "out"), str(src))
    assert_clean(result, 0)
    written = tomllib.loads((tmp_path / "out" / "components.toml").read_text())
    assert written["component"][0]["depends_on"] == ["feature-cache"]


def test_wrongly_shaped_metadata_becomes_notes(tmp_path):
    src = tmp_path / "catalog-info.yaml"
    src.write_text(COMPONENT.format(meta="  annotations: [a, b]\n  tags: serving\n  links: 5\n",
                                    spec="  system: [serving]\n  dependsOn: {a: 1}\n"))
    result = atlas("import", "backstage", "--into", str(tmp_path / "out"), str(src))
    assert_clean(result, 0)
    assert "Component ranker-svc: dependsOn should be a list, got dict; ignored" in result.output
    written = tomllib.loads((tmp_path / "out" / "components.toml").read_text())
    comp = written["component"][0]
    assert comp["tags"] == ["serving"] and "depends_on" not in comp and "system" not in comp

# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Release packaging: the collection artifact (ansible-galaxy collection build) holds the content
and nothing else, installs over the previous release, carries a version that semantic versioning
allows, and an execution environment build context (ansible-builder create) is made from
docs/ee/execution-environment.yml with the collection's meta/execution-environment.yml."""

from __future__ import annotations

import glob
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
# What must never ship: development, test and sandbox files.
FORBIDDEN_TOP = {
    "tests",
    "sandbox",
    "bench",
    "tools",
    "build",
    "ruff.toml",
    ".venv",
    ".git",
    ".ci",
    ".ansible",
    ".cache",
    ".pytest_cache",
    ".hypothesis",
    "Makefile",
    ".gitignore",
}
REQUIRED = [
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "COPYING",
    "requirements.txt",
    "bindep.txt",
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "changelogs/changelog.yaml",
    "playbooks/converge.yml",
    "playbooks/drift_report.yml",
    "playbooks/export_states.yml",
    "roles/learner_states/tasks/export_states.yml",
    "plugins/filter/exported_states.py",  # export_states.yml needs it
    "plugins/filter/exported_states.yml",
    "plugins/filter/exported_states_file.yml",
    "roles/learner_states/README.md",
    "roles/learner_states/meta/main.yml",
    "roles/learner_states/meta/argument_specs.yml",
    "roles/learner_states/defaults/main.yml",
    "roles/learner_states/tasks/main.yml",
    "roles/learner_states/tasks/drift_report.yml",
    "roles/learner_states/tasks/checks.yml",
    "plugins/filter/misspelt_names.py",  # checks.yml needs it
    "plugins/filter/misspelt_names.yml",
    "plugins/filter/states_problems.py",  # and this one
    "plugins/filter/states_problems.yml",
    "roles/learner_states/tasks/states.yml",
    "plugins/filter/drift_report.py",  # drift_report.yml needs it
    "plugins/filter/drift_rows.yml",
    "plugins/filter/drift_retry.yml",
    "plugins/filter/drift_markdown.yml",
    "docs/example/inventory.yml",
    "docs/example/group_vars/all/learner_states.yml",
    "docs/example/group_vars/all/people.yml",
    "docs/example/converge.yml",
    "docs/example/drift_report.yml",
    "playbooks/tenant_check.yml",
    "playbooks/templates/tenant-check.md.j2",
    "docs/user-guide.md",
    "docs/awx.md",
    "docs/ci.md",
    "docs/troubleshooting.md",
    "docs/awx/credential-type-ispring.yml",
    "docs/awx/credential-type-edubrite.yml",
    "docs/ee/execution-environment.yml",
    "docs/reference/index.rst",
]


def tool(name):
    """An executable of the venv under test, else of the ansible-core 2.19 venv; skip if neither has it."""
    for venv in (os.environ.get("LMS_TEST_VENV", sys.prefix), os.path.join(ROOT, ".venv", "core-2.19")):
        path = os.path.join(venv, "bin", name)
        if os.access(path, os.X_OK):
            return path
    pytest.skip("%s is installed in neither $LMS_TEST_VENV nor .venv/core-2.19 (make venv installs it)" % name)
    return None


def run(command, **kwargs):
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False, **kwargs)
    assert done.returncode == 0, "%s failed:\n%s%s" % (command, done.stdout, done.stderr)
    return done.stdout


def galaxy_version():
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return yaml.safe_load(handle)["version"]


def version_tuple(version):
    return tuple(int(part) for part in version.split("."))


def released_versions():
    """The versions changelogs/changelog.yaml has released, oldest first."""
    with open(os.path.join(ROOT, "changelogs", "changelog.yaml"), encoding="utf-8") as handle:
        return sorted(yaml.safe_load(handle)["releases"], key=version_tuple)


def unreleased_sections():
    """The sections (breaking_changes, minor_changes, ...) of the changelog fragments not released
    yet, but trivial (not in the changelog)."""
    sections = set()
    for path in glob.glob(os.path.join(ROOT, "changelogs", "fragments", "*.yml")):
        with open(path, encoding="utf-8") as handle:
            sections |= set(yaml.safe_load(handle) or {})
    return sections - {"trivial"}


def installed_versions(galaxy, path):
    """{collection: version} of the collections ansible-galaxy lists in the collections path `path`."""
    out = run([galaxy, "collection", "list", "--format", "json", "-p", str(path)], env=isolated(path))
    listed = json.loads(out)
    return {
        name: info["version"]
        for where, found in listed.items()
        if where.startswith(str(path))
        for name, info in found.items()
    }


def isolated(path):
    """An environment whose only collections path is `path` (no ~/.ansible/collections)."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(path), ANSIBLE_LOCAL_TEMP=str(path) + "-tmp")
    env.pop("ANSIBLE_CONFIG", None)
    return env


@pytest.fixture(scope="module")
def artifact(tmp_path_factory):
    """The collection artifact, built from this tree with ansible-galaxy collection build."""
    out = tmp_path_factory.mktemp("artifact")
    run([tool("ansible-galaxy"), "collection", "build", "--force", "--output-path", str(out), ROOT])
    built = sorted(out.glob("learnops-lms-*.tar.gz"))
    assert [path.name for path in built] == ["learnops-lms-%s.tar.gz" % galaxy_version()]
    return built[0]


@pytest.fixture(scope="module")
def installed(artifact, tmp_path_factory):
    """The artifact installed into a collections path; returns that path."""
    path = tmp_path_factory.mktemp("collections")
    run([tool("ansible-galaxy"), "collection", "install", "--force", "-p", str(path), str(artifact)])
    return path


def test_artifact_holds_the_content_and_nothing_else(artifact):
    with tarfile.open(artifact) as tar:
        members = tar.getmembers()
        names = [member.name for member in members]
        manifest = json.load(tar.extractfile("MANIFEST.json"))
    shipped = set(names)
    assert not [name for name in REQUIRED if name not in shipped]
    modules = sorted(name for name in os.listdir(os.path.join(ROOT, "plugins", "modules")) if name.endswith(".py"))
    assert modules and all("plugins/modules/" + module in shipped for module in modules)
    stray = [
        name
        for name in names
        if name.split("/")[0] in FORBIDDEN_TOP
        or "__pycache__" in name.split("/")
        or name.endswith((".pyc", ".tar.gz"))
        or "/." in "/" + name
        or name in ("drift-report.md", "tenant-check.md", "learner-states.yml")
        or name.endswith(("drift-report.md", "learner-states.yml"))
        or name.startswith("tenant-check-replies/")
    ]
    assert stray == [], "files that must not ship: %s" % stray
    assert not [
        m.name for m in members if m.issym() or m.islnk() or m.name.startswith("/") or ".." in m.name.split("/")
    ]
    info = manifest["collection_info"]
    assert (info["namespace"], info["name"], info["version"]) == ("learnops", "lms", galaxy_version())
    assert {"tools", "application"} <= set(info["tags"])


@pytest.mark.any_line  # its subject is the files of the tree: run on one line (conftest.py)
def test_version_follows_semantic_versioning():
    """galaxy.yml's version is the last release of changelogs/changelog.yaml only while no change is
    waiting in changelogs/fragments/ (else the artifact says it is that release, and installing it
    over the release does nothing), and a version the changelog does not list only while changes wait
    for the release that will list it; it is above the last release, a major one when the unreleased
    fragments break or remove something (Ansible's collection requirements); and every
    version_added in plugins/ and the roles' argument specs names a release or this version."""
    version, released = galaxy_version(), released_versions()
    assert released and version_tuple(version) >= version_tuple(released[-1]), (version, released)
    unreleased = unreleased_sections()
    assert version not in released or not unreleased, (
        "galaxy.yml says %s, a version released already, but changelogs/fragments/ has unreleased %s: "
        "set the next version" % (version, sorted(unreleased))
    )
    assert version in released or unreleased, (
        "galaxy.yml says %s, which changelogs/changelog.yaml does not list, and no fragment waits: the shipped "
        "changelog would not name the version (antsibull-changelog release --version %s)" % (version, version)
    )
    breaking = unreleased & {"breaking_changes", "removed_features"}
    assert not breaking or version_tuple(version)[0] > version_tuple(released[-1])[0], (
        "unreleased fragments have %s: the next version after %s is a major one, not %s"
        % (sorted(breaking), released[-1], version)
    )
    files = glob.glob(os.path.join(ROOT, "plugins", "**", "*.py"), recursive=True)
    files += glob.glob(os.path.join(ROOT, "roles", "*", "meta", "argument_specs.yml"))
    wrong = []
    for path in files:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                found = re.search(r"version_added:\s*['\"]?([^'\"\s]+)", line)
                if found and found.group(1) not in set(released) | {version}:
                    wrong.append("%s:%d: %s" % (os.path.relpath(path, ROOT), number, found.group(1)))
    assert wrong == [], "version_added names neither a release %s nor galaxy.yml's %s: %s" % (released, version, wrong)


def previous_release_artifact(out):
    """The artifact of the newest release before galaxy.yml's version, built with ansible-galaxy from
    the commit that released it (the one that added its entry to changelogs/changelog.yaml)."""
    earlier = [v for v in released_versions() if version_tuple(v) < version_tuple(galaxy_version())]
    if not earlier:
        pytest.fail(
            "galaxy.yml's version %s is not above any release of changelogs/changelog.yaml (%s): installed over "
            "the last one, it would do nothing" % (galaxy_version(), ", ".join(released_versions()))
        )
    previous = earlier[-1]
    git = shutil.which("git") or pytest.fail("git is needed to build the %s artifact from history" % previous)
    commits = run(
        [git, "-C", ROOT, "log", "--format=%H", "-S", "  %s:" % previous, "--", "changelogs/changelog.yaml"]
    ).split()
    assert commits, "no commit of this clone released %s (a shallow clone?)" % previous
    archive = subprocess.run([git, "-C", ROOT, "archive", "--format=tar", commits[-1]], capture_output=True, check=True)
    tree = out / ("source-%s" % previous)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    run([tool("ansible-galaxy"), "collection", "build", "--output-path", str(out), str(tree)])
    built = out / ("learnops-lms-%s.tar.gz" % previous)
    assert built.is_file(), sorted(path.name for path in out.iterdir())
    return previous, built


def test_installs_over_the_previous_release(artifact, tmp_path):
    """A user who has the previous release and installs this artifact gets this version, not
    "Nothing to do", and none of the previous release's files stay behind; installing it again
    changes nothing."""
    galaxy, path = tool("ansible-galaxy"), tmp_path / "collections"
    previous, old = previous_release_artifact(tmp_path)
    run([galaxy, "collection", "install", "-p", str(path), str(old)], env=isolated(path))
    assert installed_versions(galaxy, path) == {"learnops.lms": previous}
    installed = path / "ansible_collections" / "learnops" / "lms"
    with tarfile.open(old) as tar:
        old_files = {m.name for m in tar.getmembers() if m.isfile()}
    with tarfile.open(artifact) as tar:
        new_files = {m.name for m in tar.getmembers() if m.isfile()}

    out = run([galaxy, "collection", "install", "-p", str(path), str(artifact)], env=isolated(path))
    assert "Nothing to do" not in out, out
    assert installed_versions(galaxy, path) == {"learnops.lms": galaxy_version()}, out
    with open(installed / "MANIFEST.json", encoding="utf-8") as handle:
        assert json.load(handle)["collection_info"]["version"] == galaxy_version()
    left = sorted(name for name in old_files - new_files if (installed / name).exists())
    assert left == [], "files of %s left behind by the install: %s" % (previous, left)
    assert (installed / "roles" / "learner_states" / "README.md").is_file()

    again = run([galaxy, "collection", "install", "-p", str(path), str(artifact)], env=isolated(path))
    assert "Nothing to do" in again, again
    assert installed_versions(galaxy, path) == {"learnops.lms": galaxy_version()}


def test_meta_execution_environment_is_valid_v3(tmp_path):
    """meta/execution-environment.yml validates against ansible-builder's version 3 schema, and
    points at files that exist relative to the collection root (where ansible-builder looks)."""
    with open(os.path.join(ROOT, "meta", "execution-environment.yml"), encoding="utf-8") as handle:
        definition = yaml.safe_load(handle)
    assert definition["version"] == 3
    assert definition["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}
    python = os.path.join(os.path.dirname(os.path.dirname(tool("ansible-builder"))), "bin", "python")
    run(
        [
            python,
            "-c",
            "import json, sys\nfrom ansible_builder.ee_schema import validate_schema\n"
            "validate_schema(json.loads(sys.argv[1]))",
            json.dumps(definition),
        ]
    )
    for name in definition["dependencies"].values():
        assert os.path.isfile(os.path.join(ROOT, name))


def test_ansible_builder_finds_the_collection_requirements(installed):
    """What ansible-builder's introspection step (run inside the image build) reads from the
    installed collection: the Python packages of requirements.txt and the system ones of bindep.txt."""
    out = run([tool("ansible-builder"), "introspect", "--sanitize", str(installed)])
    data = yaml.safe_load(out[out.index("---") :])
    python = [line.split("#")[0].strip() for line in data["python"]]
    assert python == ["requests>=2.25", "lxml>=4.6"]
    system = [line.split("#")[0].strip() for line in data["system"]]
    with open(os.path.join(ROOT, "bindep.txt"), encoding="utf-8") as handle:
        declared = [line.strip() for line in handle if line.strip() and not line.startswith("#")]
    assert system == declared
    assert all("from collection learnops.lms" in line for line in data["python"] + data["system"])


def test_ansible_builder_create_makes_a_build_context(artifact, tmp_path):
    # The example definition, used where it lives relative to the artifact (build/ beside docs/).
    (tmp_path / "docs" / "ee").mkdir(parents=True)
    (tmp_path / "build").mkdir()
    shutil.copy(os.path.join(ROOT, "docs", "ee", "execution-environment.yml"), tmp_path / "docs" / "ee")
    shutil.copy(artifact, tmp_path / "build")
    context = tmp_path / "context"
    out = run(
        [
            tool("ansible-builder"),
            "create",
            "-f",
            "docs/ee/execution-environment.yml",
            "--context",
            str(context),
            "--output-filename",
            "Containerfile",
            "-v",
            "3",
        ],
        cwd=str(tmp_path),
    )
    assert "Complete! The build context can be found at" in out
    containerfile = (context / "Containerfile").read_text()
    for expected in (
        'ARG EE_BASE_IMAGE="quay.io/centos/centos:stream9"',
        'ARG ANSIBLE_INSTALL_REFS="ansible-core>=2.19,<2.22 ansible-runner>=2.4"',
        "FROM base AS galaxy",
        "COPY _build/learnops/ /tmp/learnops/",
        "ansible-galaxy collection install $ANSIBLE_GALAXY_CLI_COLLECTION_OPTS -r requirements.yml",
        "introspect.py introspect",
        "FROM base AS final",
        "RUN /output/scripts/install-from-bindep",
    ):
        assert expected in containerfile, expected
    requirements = yaml.safe_load((context / "_build" / "requirements.yml").read_text())
    assert requirements == {"collections": [{"name": "/tmp/learnops/learnops-lms.tar.gz", "type": "file"}]}
    shipped = context / "_build" / "learnops" / artifact.name
    assert shipped.read_bytes() == artifact.read_bytes()
    for script in ("assemble", "introspect.py", "install-from-bindep", "entrypoint"):
        assert (context / "_build" / "scripts" / script).is_file()

    # The galaxy stage's rename step, run as the image build runs it, finds exactly the artifact.
    step = next(line for line in containerfile.splitlines() if line.startswith("RUN set -- /tmp/learnops/"))
    sandbox = tmp_path / "stage"
    shutil.copytree(context / "_build" / "learnops", sandbox)
    subprocess.run(["sh", "-ec", step[len("RUN ") :].replace("/tmp/learnops/", str(sandbox) + "/")], check=True)
    assert sorted(path.name for path in sandbox.iterdir()) == ["learnops-lms.tar.gz"]

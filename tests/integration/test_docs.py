# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The hand-written documentation's machine-readable parts: the AWX credential types inject every
environment variable the modules read, the example CI pipelines run the playbooks of the example
repository docs/example/ (and their commands work against the sandbox), and the docs' relative
links resolve."""

from __future__ import annotations

import ast
import os
import re
import shlex
import shutil

import pytest
import yaml

from .helpers import WRITES, writes
from .runner import ROOT, run_command

ARGUMENTS = os.path.join(ROOT, "plugins", "module_utils", "arguments.py")
CREDENTIAL_TYPES = [
    os.path.join(ROOT, "docs", "awx", name) for name in ("credential-type-ispring.yml", "credential-type-edubrite.yml")
]
EXAMPLE = os.path.join(ROOT, "docs", "example")
PIPELINES = {
    "github": os.path.join(ROOT, "docs", "ci", "github-actions.yml"),
    "gitlab": os.path.join(ROOT, "docs", "ci", "gitlab-ci.yml"),
}
# Not injected on purpose (docs/awx.md): a stored iSpring token expires after 30 minutes.
NOT_INJECTED = {"ISPRING_TOKEN"}


def load(path):
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def module_env_vars():
    """{environment variable: no_log} for every env_fallback in the modules' argument specs."""
    with open(ARGUMENTS, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    found = {}
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and getattr(call.func, "id", None) == "dict"):
            continue
        keywords = {keyword.arg: keyword.value for keyword in call.keywords}
        fallback = keywords.get("fallback")
        if isinstance(fallback, ast.Tuple) and getattr(fallback.elts[0], "id", None) == "env_fallback":
            no_log = isinstance(keywords.get("no_log"), ast.Constant) and keywords["no_log"].value is True
            for name in fallback.elts[1].elts:
                found[name.value] = no_log
    assert len(found) >= 8, found
    return found


def test_credential_types_inject_every_variable_the_modules_read():
    injected = {}
    for path in CREDENTIAL_TYPES:
        definition = load(path)
        fields = {field["id"]: field for field in definition["inputs"]["fields"]}
        for variable, template in definition["injectors"]["env"].items():
            used = re.findall(r"\{\{\s*(\w+)\s*\}\}", template)
            assert len(used) == 1 and used[0] in fields, (path, variable, template)
            injected[variable] = fields[used[0]]
    expected = module_env_vars()
    assert set(expected) - set(injected) == NOT_INJECTED
    assert not set(injected) - set(expected), "injected variables no module reads"
    for variable, field in injected.items():
        assert bool(field.get("secret")) == expected[variable], "%s: secret must match no_log" % variable


@pytest.mark.parametrize("path", CREDENTIAL_TYPES, ids=os.path.basename)
def test_credential_type_is_a_valid_awx_definition(path):
    definition = load(path)
    assert set(definition) == {"name", "description", "kind", "inputs", "injectors"}
    assert definition["kind"] in ("cloud", "net")  # the kinds AWX allows for custom types
    fields = definition["inputs"]["fields"]
    ids = [field["id"] for field in fields]
    assert len(ids) == len(set(ids))
    for field in fields:
        assert set(field) <= {"id", "type", "label", "help_text", "secret", "multiline", "format", "choices", "default"}
        assert field["type"] in ("string", "boolean") and field["label"]
    assert set(definition["inputs"]["required"]) == set(ids)  # every input is needed: none is left empty
    assert set(definition["injectors"]) == {"env"}


def pipeline_commands(name):
    """The ansible-playbook command lines of a pipeline, per phase (merge request, main)."""
    pipeline = load(PIPELINES[name])
    if name == "github":
        assert set(pipeline[True if True in pipeline else "on"]) >= {"pull_request", "push"}
        jobs = pipeline["jobs"]
        assert "pull_request" in jobs["drift"]["if"] and "refs/heads/main" in jobs["apply"]["if"]
        scripts = {
            phase: [step["run"] for step in jobs[job]["steps"] if "run" in step]
            for phase, job in (("review", "drift"), ("apply", "apply"))
        }
        env = pipeline["env"]
        for variable, value in env.items():
            if variable.endswith(("_SECRET", "_PASSWORD", "_CLIENT_ID", "_USERNAME")):
                assert value == "${{ secrets.%s }}" % variable
    else:
        jobs = pipeline
        assert jobs["drift-report"]["rules"][0]["if"] == '$CI_PIPELINE_SOURCE == "merge_request_event"'
        assert all("$CI_DEFAULT_BRANCH" in rule["if"] for rule in jobs["apply"]["rules"])
        scripts = {phase: jobs[job]["script"] for phase, job in (("review", "drift-report"), ("apply", "apply"))}
    commands = {}
    for phase, blocks in scripts.items():
        lines = "\n".join(blocks).replace("\\\n", " ").splitlines()
        commands[phase] = [shlex.split(line) for line in lines if line.strip().startswith("ansible-playbook")]
    return commands


def test_pipelines_review_in_check_mode_and_apply_on_main():
    github, gitlab = pipeline_commands("github"), pipeline_commands("gitlab")
    assert github == gitlab, "the two example pipelines should run the same commands"
    for command in github["review"]:
        assert "--check" in command, command
    assert [c[3] for c in github["review"]] == ["drift_report.yml", "converge.yml"]
    assert [c[3] for c in github["apply"]] == ["converge.yml", "drift_report.yml"]
    assert "learner_states_report_fail_on_drift=true" in github["apply"][1]
    # the main branch applies exactly the plan the merge request published (issue 26 item 3)
    assert "learner_states_plan_file=drift-report.json" in github["apply"][0]
    assert "learner_states_report_path=drift-report.md" in github["review"][0]
    for command in github["review"] + github["apply"]:
        assert command[:3] == ["ansible-playbook", "-i", "inventory.yml"]
        assert os.path.isfile(os.path.join(EXAMPLE, command[2])) and os.path.isfile(os.path.join(EXAMPLE, command[3]))


def test_pipelines_install_a_collection_that_has_the_role():
    """The role learnops.lms.learner_states came with 2.0.0: the pipelines must not accept older, and
    the version they ask for is one this repository builds (galaxy.yml), below the next major."""
    with open(os.path.join(ROOT, "roles", "learner_states", "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        added = yaml.safe_load(handle)["argument_specs"]["main"]["version_added"]  # export_states came later
    with open(os.path.join(ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        version = yaml.safe_load(handle)["version"]
    major = int(added.split(".")[0])
    numbers = tuple(int(part) for part in version.split("."))
    assert tuple(int(part) for part in added.split(".")) <= numbers < (major + 1, 0, 0), (
        "galaxy.yml's version %s does not meet the pin >=%s,<%d.0.0" % (version, added, major + 1)
    )
    pin = "'learnops.lms:>=%s,<%d.0.0'" % (added, major + 1)
    for name, path in PIPELINES.items():
        with open(path, encoding="utf-8") as handle:
            installs = re.findall(r"ansible-galaxy collection install (.+)", handle.read())
        assert installs and set(installs) == {pin}, (name, installs)
    with open(os.path.join(ROOT, "docs", "ci.md"), encoding="utf-8") as handle:
        assert "ansible-galaxy collection install %s" % pin in handle.read()


@pytest.mark.any_line  # its subject is the docs: run on one line (conftest.py)
def test_pipeline_commands_work_against_the_sandbox(lms, tmp_path):
    """The pipelines' commands, run in a checkout of the example repository with the secrets in the
    environment."""
    shutil.copytree(EXAMPLE, tmp_path, dirs_exist_ok=True)
    commands = pipeline_commands("github")
    for command in commands["review"]:
        run = run_command(lms, tmp_path, command)
        assert run.rc == 0, run.output
    assert "**Drift**" in (tmp_path / "drift-report.md").read_text()
    assert writes(lms.requests(), WRITES) == []
    for command in commands["apply"]:
        run = run_command(lms, tmp_path, command)
        assert run.rc == 0, run.output
    assert "**No drift**" in (tmp_path / "drift-report.md").read_text()


def slug(heading):
    """The anchor a code host gives a Markdown heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def markdown_files():
    files = [os.path.join(ROOT, "README.md")]
    for folder, _dirs, names in os.walk(os.path.join(ROOT, "docs")):
        files += [os.path.join(folder, name) for name in names if name.endswith(".md")]
    files.append(os.path.join(ROOT, "sandbox", "README.md"))
    return sorted(files)


def anchors(path):
    with open(path, encoding="utf-8") as handle:
        text = re.sub(r"```.*?```", "", handle.read(), flags=re.S)
    return {slug(match) for match in re.findall(r"^#+ (.+)$", text, re.M)}


@pytest.mark.parametrize("path", markdown_files(), ids=lambda path: os.path.relpath(path, ROOT))
def test_relative_links_resolve(path):
    with open(path, encoding="utf-8") as handle:
        text = re.sub(r"```.*?```", "", handle.read(), flags=re.S)
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"^[a-z]+:", target):
            continue
        file_part, _hash, anchor = target.partition("#")
        resolved = os.path.normpath(os.path.join(os.path.dirname(path), file_part)) if file_part else path
        if not resolved.startswith(ROOT + os.sep) or not os.path.exists(resolved):
            broken.append(target)
        elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
            broken.append(target)
    assert broken == [], "broken links in %s" % os.path.relpath(path, ROOT)

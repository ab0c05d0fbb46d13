# -*- coding: utf-8 -*-
# Copyright: learnops.lms contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's lists agree: the modules, the action groups of meta/runtime.yml, the README's
module table, docs/reference, the modules' tests, the role's connection variables, and the layout
that docs/module_template.md describes.  Each new module touches all of them (the template has the
checklist); this test names what was forgotten.  ``problems(root)`` reads a tree; the self-tests
break a copy and expect the culprit."""

from __future__ import annotations

import ast
import os
import re
import shutil

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# The action group of each vendor, and the doc fragments that hold its connection options.
VENDORS = {
    "ispring": {"lms": "iSpring Learn", "fragments": ("ispring", "transport")},
    "edubrite": {"lms": "EduBrite", "fragments": ("edubrite", "transport")},
}


def _read(root, *parts):
    with open(os.path.join(root, *parts), encoding="utf-8") as handle:
        return handle.read()


def _constant(path, name):
    """A string constant of a Python file, read without importing it."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == name for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError("%s has no %s" % (path, name))


def modules(root):
    """{module name: its DOCUMENTATION, parsed}."""
    folder = os.path.join(root, "plugins", "modules")
    return {
        name[:-3]: yaml.safe_load(_constant(os.path.join(folder, name), "DOCUMENTATION"))
        for name in sorted(os.listdir(folder))
        if name.endswith(".py") and not name.startswith("_")
    }


def vendor_of(doc):
    """The vendor whose connection fragment the module extends (None: neither)."""
    fragments = doc.get("extends_documentation_fragment") or []
    found = [vendor for vendor in VENDORS if "learnops.lms.%s" % vendor in fragments]
    return found[0] if len(found) == 1 else None


def connection_options(root, vendor):
    """The options of the vendor's connection doc fragments (the role has a variable for each)."""
    options = []
    for fragment in VENDORS[vendor]["fragments"]:
        text = _constant(os.path.join(root, "plugins", "doc_fragments", fragment + ".py"), "DOCUMENTATION")
        options += list(yaml.safe_load(text)["options"])
    return options


def readme_table(root):
    """{module name: the LMS column} of the README's module table."""
    rows = re.findall(r"^\| `learnops\.lms\.(\w+)` \| ([^|]+) \|", _read(root, "README.md"), re.MULTILINE)
    return {name: lms.strip() for name, lms in rows}


def problems(root):
    """Every disagreement between the collection's lists, one sentence each."""
    found = []
    docs = modules(root)
    groups = yaml.safe_load(_read(root, "meta", "runtime.yml")).get("action_groups") or {}
    table = readme_table(root)
    reference = set(os.listdir(os.path.join(root, "docs", "reference")))
    index = _read(root, "docs", "reference", "index.rst")
    for name, doc in docs.items():
        vendor = vendor_of(doc)
        if vendor is None:
            found.append("%s extends neither the ispring nor the edubrite doc fragment" % name)
            continue
        member_of = sorted(group for group, names in groups.items() if name in (names or []))
        if member_of != [vendor]:
            found.append(
                "%s (an %s module) is in the action group(s) %s of meta/runtime.yml, not in %s"
                % (name, vendor, member_of or "none", vendor)
            )
        if table.get(name) != VENDORS[vendor]["lms"]:
            found.append(
                "README.md's module table %s learnops.lms.%s with LMS %s"
                % ("lists" if name in table else "does not list", name, VENDORS[vendor]["lms"])
            )
        page = name + "_module.rst"
        if page not in reference or page[:-4] not in index:
            found.append("docs/reference has no %s linked from index.rst (run tools/gen-docs.sh)" % page)
        if not os.path.exists(os.path.join(root, "tests", "unit", "plugins", "modules", "test_%s.py" % name)):
            found.append("%s has no tests/unit/plugins/modules/test_%s.py" % (name, name))
    for group, names in groups.items():
        strays = [n for n in names or [] if n not in docs]
        found += ["meta/runtime.yml's group %s names %s, which is no module" % (group, n) for n in strays]
    found += ["README.md's module table lists %s, which is no module" % n for n in table if n not in docs]
    found += [
        "docs/reference/%s documents no module (run tools/gen-docs.sh)" % page
        for page in reference
        if page.endswith("_module.rst") and page[: -len("_module.rst")] not in docs
    ]
    return found + role_problems(root) + template_problems(root)


# The files whose place in the layout docs/module_template.md gives, by folder and name ending.
LAYOUT = (
    ("plugins/module_utils", ".py"),
    ("plugins/doc_fragments", ".py"),
    ("plugins/filter", ".py"),
    ("plugins/plugin_utils", ".py"),
    ("roles/learner_states/tasks", ".yml"),
)


def template_problems(root):
    """docs/module_template.md names every file of the layout (a new planner or filter without its
    row would leave the template describing a collection that no longer exists)."""
    template = _read(root, "docs", "module_template.md")
    found = []
    for folder, ending in LAYOUT:
        for name in sorted(os.listdir(os.path.join(root, folder))):
            stem = name[: -len(ending)]
            named = re.search(r"[`/]%s(\.\w+)?`" % re.escape(stem), template)
            if name.endswith(ending) and stem != "__init__" and not named:
                found.append("docs/module_template.md does not name %s/%s in its layout" % (folder, name))
    return found


def role_problems(root):
    """The role learner_states has a variable <vendor>_<option> for every connection option of the
    modules (its argument specs) and passes it in the module_defaults of its tasks."""
    found = []
    specs = yaml.safe_load(_read(root, "roles", "learner_states", "meta", "argument_specs.yml"))["argument_specs"]
    states = _read(root, "roles", "learner_states", "tasks", "states.yml")
    for vendor in VENDORS:
        for option in connection_options(root, vendor):
            variable = "%s_%s" % (vendor, option)
            missing = sorted(entry for entry, spec in specs.items() if variable not in (spec.get("options") or {}))
            if missing:
                found.append("the role's argument specs %s have no %s" % (", ".join(missing), variable))
            if not re.search(r"^\s+%s: .*\b%s\b" % (re.escape(option), re.escape(variable)), states, re.MULTILINE):
                found.append("the role's tasks/states.yml does not pass %s as %s" % (variable, option))
    return found


def test_the_collection_lists_agree():
    assert problems(ROOT) == []


@pytest.fixture
def tree(tmp_path):
    """A copy of what problems() reads, to break."""
    copy = tmp_path / "lms"
    for part in ("plugins", "meta", "docs/reference", "tests/unit/plugins/modules", "roles/learner_states"):
        shutil.copytree(os.path.join(ROOT, part), copy / part)
    shutil.copy(os.path.join(ROOT, "README.md"), copy / "README.md")
    shutil.copy(os.path.join(ROOT, "docs", "module_template.md"), copy / "docs" / "module_template.md")
    return copy


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, "%s has no %r" % (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_module_missing_from_its_action_group_is_named(tree):
    _edit(tree / "meta" / "runtime.yml", "    - course_status_info\n", "")
    assert problems(tree) == [
        "course_status_info (an ispring module) is in the action group(s) none of meta/runtime.yml, not in ispring"
    ]


def test_a_module_missing_from_the_readme_and_the_reference_is_named(tree):
    _edit(tree / "README.md", "| `learnops.lms.program_member_info` |", "| `learnops.lms.program_member_infos` |")
    (tree / "docs" / "reference" / "program_member_info_module.rst").unlink()
    assert problems(tree) == [
        "README.md's module table does not list learnops.lms.program_member_info with LMS EduBrite",
        "docs/reference has no program_member_info_module.rst linked from index.rst (run tools/gen-docs.sh)",
        "README.md's module table lists program_member_infos, which is no module",
    ]


def test_a_connection_option_the_role_cannot_set_is_named(tree):
    _edit(
        tree / "plugins" / "doc_fragments" / "edubrite.py",
        "  run_as:\n",
        "  proxy_url:\n    description: A new connection option.\n    type: str\n  run_as:\n",
    )
    found = problems(tree)
    assert "the role's tasks/states.yml does not pass edubrite_proxy_url as proxy_url" in found
    assert any(p.startswith("the role's argument specs") and p.endswith("have no edubrite_proxy_url") for p in found)


def test_a_file_the_template_does_not_place_is_named(tree):
    (tree / "plugins" / "module_utils" / "ispring_course.py").write_text("", encoding="utf-8")
    assert problems(tree) == [
        "docs/module_template.md does not name plugins/module_utils/ispring_course.py in its layout"
    ]

#!/usr/bin/env bash
# The test command behind `make test` (and its parts: sanity, lint, units, integration, docs).
# Runs every gate on both ansible-core lines: 2.19 (Python 3.11) and 2.21 (Python >= 3.12).
#   tools/test.sh sanity|lint|units|integration|docs   one part, in the foreground
#   tools/test.sh [all]                                 every part, side by side (see run_all)
# LMS_LINE=2.19 or 2.21 limits a part to one line; LMS_BUILD moves the scratch space (default build/).
# Integration shares its any_line tests out between the lines (LMS_LINE_SHARE=0/1: all of them on each).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
absolute() { case $1 in /*) echo "$1" ;; *) echo "$ROOT/$1" ;; esac; }
VENV_219=$(absolute "${VENV_219:-.venv/core-2.19}")
VENV_221=$(absolute "${VENV_221:-.venv/core-2.21}")
BUILD=$(absolute "${LMS_BUILD:-build}")   # scratch space; each job of `all` has its own
TREE=$BUILD/src/ansible_collections/learnops/lms   # ansible-test needs this path shape
COLLECTIONS=$BUILD/collections

available=(2.19)
if [ -x "$VENV_221/bin/python" ]; then
  available+=(2.21)
else
  echo "NOTICE: no Python >= 3.12 on this machine: the ansible-core 2.21 line is SKIPPED" >&2
fi
line_names=() lines=()   # the lines to test (LMS_LINE picks one) and their venvs
for name in "${available[@]}"; do
  [ -n "${LMS_LINE:-}" ] && [ "$LMS_LINE" != "$name" ] && continue
  line_names+=("$name")
  if [ "$name" = 2.19 ]; then lines+=("$VENV_219"); else lines+=("$VENV_221"); fi
done
[ ${#lines[@]} -gt 0 ] || { echo "LMS_LINE=$LMS_LINE: no such line here (${available[*]})" >&2; exit 2; }

step() { printf '\n=== %s\n' "$*"; }
pyver() { "$1/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])'; }
core() { "$1/bin/python" -c 'import ansible; print(ansible.__version__)'; }
run_pytest() { "$1/bin/python" -m pytest -q -p no:cacheprovider --basetemp="$BUILD/pytest" "${@:2}"; }  # VENV ARGS...

prepare_tree() {
  # A copy of the collection content (tracked and untracked, not ignored) for ansible-test.
  rm -rf "$BUILD/src" && mkdir -p "$TREE"
  git ls-files -z -co --exclude-standard -- . ':!sandbox' ':!bench' ':!.ci' \
    | xargs -0 cp --parents -t "$TREE"
  # ansible-test asks git which files belong to the collection: give the copy its own repository.
  (cd "$TREE" && git init -q && git add -A)
}

offline_pip() {
  # ansible-test downloads get-pip.py from its own host, unreachable here; ../shared has a stand-in.
  local shim=$ROOT/../shared/ci/ansible-test-offline-pip venv
  [ -z "${LMS_OFFLINE_PIP_DONE:-}" ] || return 0   # `all` prepares it once, before its jobs
  if [ -x "$shim" ] || [ -f "$shim" ]; then
    for venv in "${lines[@]}"; do "$venv/bin/python" "$shim" "$venv/bin/python"; done
  fi
}

install_collection() {
  rm -rf "$COLLECTIONS" "$BUILD"/learnops-lms-*.tar.gz
  "$VENV_219/bin/ansible-galaxy" collection build --force --output-path "$BUILD" . >/dev/null
  ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS "$VENV_219/bin/ansible-galaxy" collection install --force -p "$COLLECTIONS" "$BUILD"/learnops-lms-*.tar.gz >/dev/null
}

run_sanity() {
  offline_pip
  prepare_tree
  for venv in "${lines[@]}"; do
    step "ansible-test sanity, ansible-core $(core "$venv"), Python $(pyver "$venv")"
    (cd "$TREE" && PATH="$venv/bin:$PATH" "$venv/bin/ansible-test" sanity --venv --python "$(pyver "$venv")" --color no)
    if [ "$venv" = "$VENV_219" ]; then gate_self_test; fi
  done
}

gate_self_test() {
  # The gates must be able to fail: a documented option missing from the argument_spec.
  step "gate self-test: validate-modules must reject an option documented but not in argument_spec"
  local broken=$BUILD/broken/ansible_collections/learnops/lms
  rm -rf "$BUILD/broken" && mkdir -p "$broken" && cp -a "$TREE/." "$broken/"
  python3 - "$broken/plugins/modules/course_status.py" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
text = text.replace("options:\n  course_id:", "options:\n  undeclared_option:\n    description: Documented only.\n    type: str\n  course_id:", 1)
open(path, "w").write(text)
PY
  (cd "$broken" && git add -A && git commit -qm broken --no-verify >/dev/null 2>&1 || true)
  if (cd "$broken" && "$VENV_219/bin/ansible-test" sanity --venv --python "$(pyver "$VENV_219")" \
        --test validate-modules --color no plugins/modules/course_status.py) >"$BUILD/broken.log" 2>&1; then
    echo "validate-modules accepted a broken module: the gate cannot fail" >&2; exit 1
  fi
  grep -q "undeclared_option" "$BUILD/broken.log" || { cat "$BUILD/broken.log"; exit 1; }
  echo "ok: validate-modules rejects the broken documentation"
}

shell_scripts() {
  # Every shell script of the tree (tracked or new, not ignored): *.sh, and files with a sh/bash shebang.
  git ls-files -co --exclude-standard | while IFS= read -r file; do
    [ -f "$file" ] || continue
    local first=""
    IFS= read -r first <"$file" || true
    if [[ $file == *.sh || $first =~ ^\#!.*[/\ ](ba|da|k)?sh([[:space:]]|$) ]]; then echo "$file"; fi
  done
}

lint_gate_self_test() (
  # The linters must be able to fail, with the repository's own configuration.
  local dir=$BUILD/lint-gates
  rm -rf "$dir" && mkdir -p "$dir"
  branches() {  # a function with $1 if-branches: mccabe complexity $1 + 1
    echo "def branchy(value):"
    for i in $(seq "$1"); do printf '    if value == %d:\n        return %d\n' "$i" "$i"; done
    echo "    return 0"
  }
  branches 10 >"$dir/complex11.py"
  branches 9 >"$dir/complex10.py"
  printf -- '---\nlearners:\n  - login: jdoe\n   email: jdoe@example.com\n' >"$dir/syntax.yml"
  printf -- '---\nlearners:\n    - login: jdoe\nprograms:\n  - id: SAFETY\n' >"$dir/indentation.yml"
  cd "$dir"
  local ruff=("$VENV_219/bin/ruff" check --no-cache --config "$ROOT/ruff.toml")
  "${ruff[@]}" complex10.py >/dev/null || { echo "ruff rejects complexity 10: the ceiling is not ruff.toml's" >&2; return 1; }
  if "${ruff[@]}" complex11.py >ruff.log 2>&1; then echo "ruff accepted complexity 11: the gate cannot fail" >&2; return 1; fi
  grep -q C901 ruff.log || { cat ruff.log; return 1; }
  echo "ok: ruff rejects complexity 11 (C901) and accepts 10"
  mkdir -p ceiling && for i in $(seq 9); do branches 10 | sed "s/branchy/branchy$i/" >"ceiling/complex$i.py"; done
  local complexity=("$VENV_219/bin/python" "$ROOT/tools/complexity.py")
  if "${complexity[@]}" ceiling >complexity.log 2>&1; then echo "tools/complexity.py accepted 9 functions above 10: the gate cannot fail" >&2; return 1; fi
  rm ceiling/complex9.py
  "${complexity[@]}" ceiling >complexity.log 2>&1 || { cat complexity.log; echo "tools/complexity.py rejects 8: the ceiling is not 8" >&2; return 1; }
  echo "ok: tools/complexity.py rejects 9 functions above 10 (radon) and accepts 8"
  for file in syntax.yml indentation.yml; do
    if "$VENV_219/bin/yamllint" --strict -c "$ROOT/.yamllint" "$file" >yamllint.log 2>&1; then
      echo "yamllint accepted $file: the gate cannot fail" >&2; return 1
    fi
    grep -qE "error +(syntax error|wrong indentation)" yamllint.log || { cat yamllint.log; return 1; }
    echo "ok: yamllint rejects $file: $(grep -oE '(syntax error|wrong indentation)[^(]*[^( ]' yamllint.log | head -1)"
  done
)

run_lint() {
  # Every linter runs; the part fails at the end if any of them failed.
  local failed=()
  check() { local name=$1; shift; step "$name"; "$@" || failed+=("$name"); }
  local scripts
  mapfile -t scripts < <(shell_scripts)
  check "ruff check" "$VENV_219/bin/ruff" check --output-format concise .
  check "ruff format --check" "$VENV_219/bin/ruff" format --check .
  check "yamllint (.yamllint)" "$VENV_219/bin/yamllint" --strict .
  check "shellcheck: ${scripts[*]}" "$VENV_219/bin/shellcheck" "${scripts[@]}"
  check "pre-commit validate-config" "$VENV_219/bin/pre-commit" validate-config .pre-commit-config.yaml
  check "radon: at most 8 functions above 10 in plugins/module_utils (tools/complexity.py)" \
    "$VENV_219/bin/python" tools/complexity.py plugins/module_utils
  check "gate self-test: ruff must reject complexity 11 (C901), the radon ceiling 9 such functions, yamllint broken YAML" \
    lint_gate_self_test
  for venv in "${lines[@]}"; do
    check "ansible-lint --profile production, ansible-core $(core "$venv")" \
      env PATH="$venv/bin:$PATH" "$venv/bin/ansible-lint" --profile production --nocolor
  done
  if [ ${#failed[@]} -gt 0 ]; then
    printf '\nlint FAILED:%s\n' "$(printf ' [%s]' "${failed[@]}")" >&2
    return 1
  fi
}

run_units() {
  prepare_tree
  for venv in "${lines[@]}"; do
    step "unit tests, ansible-core $(core "$venv"), Python $(pyver "$venv")"
    (cd "$TREE" && PYTHONPATH="$BUILD/src" run_pytest "$venv" tests/unit)
  done
  # The sandbox is plain Python, without ansible-core: its own tests run once, on the first line (the
  # integration tests run it under each line's Python).
  step "sandbox tests, Python $(pyver "${lines[0]}")"
  if [ -z "${LMS_LINE:-}" ] || [ "$LMS_LINE" = "${available[0]}" ]; then
    PYTHONPATH=sandbox run_pytest "${lines[0]}" sandbox/tests
  else
    echo "on the ${available[0]} line's job"
  fi
}

line_share() {
  # The any_line tests are shared out between the lines of this machine (tests/integration/conftest.py);
  # LMS_LINE_SHARE=0/1 runs all of them on the line(s) asked for.
  local i
  if [ -n "${LMS_LINE_SHARE:-}" ]; then echo "$LMS_LINE_SHARE"; return; fi
  for i in "${!available[@]}"; do
    if [ "${available[i]}" = "$1" ]; then echo "$i/${#available[@]}"; fi
  done
}

run_integration() {
  install_collection
  for i in "${!lines[@]}"; do
    step "integration playbooks against the sandbox, ansible-core $(core "${lines[i]}")"
    ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS LMS_TEST_VENV=${lines[i]} LMS_LINE_SHARE=$(line_share "${line_names[i]}") \
      PYTHONPATH=sandbox run_pytest "${lines[i]}" --durations=40 tests/integration
  done
}

run_docs() {
  step "antsibull-changelog lint"
  "$VENV_219/bin/antsibull-changelog" lint
  step "docs/reference/ is what antsibull-docs makes of the modules' and the role's documentation"
  VENV=$VENV_219 tools/gen-docs.sh --check
  step "antsibull-docs lint-collection-docs"
  install_collection
  for venv in "${lines[@]}"; do
    for module in "$ROOT"/plugins/modules/*.py; do
      name=learnops.lms.$(basename "$module" .py)
      ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS "$venv/bin/ansible-doc" -t module "$name" >/dev/null \
        || { echo "ansible-doc cannot render $name (ansible-core $(core "$venv"))" >&2; exit 1; }
    done
    echo "ansible-doc renders every module (ansible-core $(core "$venv"))"
    for role in "$ROOT"/roles/*/; do
      name=learnops.lms.$(basename "$role")
      out=$(ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS "$venv/bin/ansible-doc" -t role "$name" 2>&1) \
        || { echo "$out" >&2; echo "ansible-doc cannot render the role $name (ansible-core $(core "$venv"))" >&2; exit 1; }
      # Every entry point of meta/argument_specs.yml is rendered.
      for entry in $("$venv/bin/python" -c 'import sys, yaml; print(" ".join(yaml.safe_load(open(sys.argv[1]))["argument_specs"]))' "$role/meta/argument_specs.yml"); do
        grep -q "ENTRY POINT: .*$entry" <<<"$out" || { echo "ansible-doc -t role $name shows no entry point $entry" >&2; exit 1; }
      done
    done
    echo "ansible-doc -t role renders every role and entry point (ansible-core $(core "$venv"))"
  done
  (cd "$COLLECTIONS/ansible_collections/learnops/lms" && \
    PATH="$VENV_219/bin:$PATH" ANSIBLE_COLLECTIONS_PATH=$COLLECTIONS "$VENV_219/bin/antsibull-docs" lint-collection-docs --plugin-docs .)
  run_galaxy_importer
}

galaxy_import() {
  # ARTIFACT LOG [NAME=VALUE...]: galaxy-importer on a collection artifact, as Galaxy runs it on an
  # upload, with tools/galaxy-importer.cfg (no network, no container) and the GALAXY_IMPORTER_*
  # overrides given. Fails when the importer refuses the artifact (exit code) or logs an error (some
  # of its checks only log).
  local artifact=$1 log=$2 work rc=0
  work=$(dirname "$log")/$(basename "$log" .log)
  rm -rf "$work" && mkdir -p "$work/tmp"
  (cd "$work" && env PATH="$VENV_219/bin:$PATH" GALAXY_IMPORTER_CONFIG="$ROOT/tools/galaxy-importer.cfg" \
    GALAXY_IMPORTER_TMP_ROOT_DIR="$work/tmp" GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP="$work/tmp" "${@:3}" \
    "$VENV_219/bin/python" -m galaxy_importer.main "$artifact") >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ] || grep -qE '^(ERROR|CRITICAL):' "$log"; then return 1; fi
}

run_galaxy_importer() {
  local artifact started=$SECONDS
  artifact=$(echo "$BUILD"/learnops-lms-*.tar.gz)
  mkdir -p "$BUILD/importer"
  step "galaxy-importer $("$VENV_219/bin/python" -c 'from importlib.metadata import version; print(version("galaxy-importer"))') on $(basename "$artifact"): would Galaxy take the upload?"
  galaxy_import "$artifact" "$BUILD/importer/artifact.log" \
    || { cat "$BUILD/importer/artifact.log"; echo "galaxy-importer refuses $(basename "$artifact"): Galaxy would too" >&2; return 1; }
  grep -E '^WARNING:' "$BUILD/importer/artifact.log" || true
  echo "ok: galaxy-importer accepts $(basename "$artifact") ($((SECONDS - started)) s)"
  importer_self_test "$artifact"
}

importer_self_test() {
  # The gate must be able to fail: the artifact without the role's README.md (as FILES.json and
  # MANIFEST.json would list it had it been built so) must be refused, as Galaxy refused such a one.
  step "gate self-test: galaxy-importer must refuse the artifact without roles/learner_states/README.md"
  local broken started=$SECONDS
  rm -rf "$BUILD/importer/broken-artifact" && mkdir -p "$BUILD/importer/broken-artifact" && cp "$1" "$BUILD/importer/broken-artifact/"
  broken=$BUILD/importer/broken-artifact/$(basename "$1")
  "$VENV_219/bin/python" - "$broken" roles/learner_states/README.md <<'PY'
import hashlib, io, json, sys, tarfile
path, drop = sys.argv[1], sys.argv[2]
with tarfile.open(path) as tar:
    members = [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar.getmembers() if m.name != drop]
data = dict((m.name, content) for m, content in members)
files = json.loads(data["FILES.json"])
files["files"] = [entry for entry in files["files"] if entry["name"] != drop]
data["FILES.json"] = json.dumps(files, indent=4).encode()
manifest = json.loads(data["MANIFEST.json"])
manifest["file_manifest_file"]["chksum_sha256"] = hashlib.sha256(data["FILES.json"]).hexdigest()
data["MANIFEST.json"] = json.dumps(manifest, indent=4).encode()
with tarfile.open(path, "w:gz") as tar:
    for member, _ in members:
        content = data[member.name]
        if content is not None:
            member.size = len(content)
        tar.addfile(member, io.BytesIO(content) if content is not None else None)
PY
  # Without ansible-doc's pass over the plugins (half the importer's time; the role check does not use it).
  if galaxy_import "$broken" "$BUILD/importer/broken.log" GALAXY_IMPORTER_RUN_ANSIBLE_DOC=False; then
    cat "$BUILD/importer/broken.log"; echo "galaxy-importer accepted a role without README.md: the gate cannot fail" >&2; return 1
  fi
  grep -q "No role readme found" "$BUILD/importer/broken.log" || { cat "$BUILD/importer/broken.log"; return 1; }
  echo "ok: galaxy-importer refuses it: $(grep -m1 -o 'No role readme found[^"]*' "$BUILD/importer/broken.log") ($((SECONDS - started)) s)"
}

hms() { printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); }

run_all() {
  # Every part as jobs, LMS_JOBS at a time (default: CPUs + 2, as jobs also wait), longest first: each
  # line of integration, sanity and units is a job; lint and docs are one job each (both lines
  # inside). A job is `tools/test.sh <part>` with LMS_LINE and its own LMS_BUILD (build/jobs/<job>/),
  # its output in build/logs/<job>.log; the console shows each start and end, then a summary.
  local max=${LMS_JOBS:-$(($(nproc 2>/dev/null || echo 2) + 2))} logs=$BUILD/logs started=$SECONDS
  [ "$max" -ge 1 ] || max=1
  local queue=() names=() pids=() begun=() took=() results=() failed=() running=0 i part line
  for part in integration sanity; do for line in "${line_names[@]}"; do queue+=("$part $line"); done; done
  queue+=("lint both" "docs both")
  for line in "${line_names[@]}"; do queue+=("units $line"); done
  offline_pip   # once, before the jobs: ansible-test of every line reads it from one cache
  rm -rf "$logs" "$BUILD/jobs" && mkdir -p "$logs"
  # Each job in its own process group, so that an interrupted run stops every job it started.
  trap 'for i in "${!pids[@]}"; do [ -n "${results[i]:-}" ] || kill -TERM -- "-${pids[i]}" 2>/dev/null || true; done' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  echo "make test: ${#queue[@]} jobs, $max at a time; each job's output in ${logs#"$ROOT"/}/<suite>-<line>.log"
  while [ ${#queue[@]} -gt 0 ] || [ "$running" -gt 0 ]; do
    while [ ${#queue[@]} -gt 0 ] && [ "$running" -lt "$max" ]; do
      read -r part line <<<"${queue[0]}"
      queue=("${queue[@]:1}")
      i=${#names[@]}
      names[i]="$part $line"
      set -m
      (
        if [ "$line" != both ]; then export LMS_LINE=$line; fi
        rc=0
        # Integration is the long pole: the other parts run niced, in the CPU its waits leave free.
        niceness=10
        if [ "$part" = integration ]; then niceness=0; fi
        LMS_BUILD=$BUILD/jobs/$part-$line LMS_OFFLINE_PIP_DONE=1 nice -n "$niceness" tools/test.sh "$part" \
          >"$logs/$part-$line.log" 2>&1 || rc=$?
        echo "$rc" >"$logs/$part-$line.rc"
      ) &
      set +m
      pids[i]=$! begun[i]=$SECONDS running=$((running + 1))
      printf '[%s] start  %-12s %-5s\n' "$(date +%T)" "$part" "$line"
    done
    wait -n || true
    for i in "${!names[@]}"; do
      read -r part line <<<"${names[i]}"
      [ -z "${results[i]:-}" ] || continue   # reported already
      [ -f "$logs/$part-$line.rc" ] || ! kill -0 "${pids[i]}" 2>/dev/null || continue   # still running
      wait "${pids[i]}" || true
      took[i]=$((SECONDS - begun[i])) running=$((running - 1))
      if [ "$(cat "$logs/$part-$line.rc" 2>/dev/null)" = 0 ]; then results[i]=PASS; else results[i]=FAIL; fi
      printf '[%s] %-6s %-12s %-5s %s\n' "$(date +%T)" "${results[i]}" "$part" "$line" "$(hms "${took[i]}")"
    done
  done
  printf '\n%-12s %-5s %-7s %s\n' suite line result duration
  for i in "${!names[@]}"; do
    read -r part line <<<"${names[i]}"
    printf '%-12s %-5s %-7s %s\n' "$part" "$line" "${results[i]}" "$(hms "${took[i]}")"
    [ "${results[i]}" = PASS ] || failed+=("$part-$line")
  done
  [[ " ${available[*]} " == *" 2.21 "* ]] || printf '%-12s %-5s %-7s %s\n' all 2.21 SKIPPED "(no Python >= 3.12)"
  echo "wall time $(hms $((SECONDS - started)))"
  for job in "${failed[@]}"; do
    printf '\n=== FAILED %s: the last 40 lines of %s\n' "$job" "${logs#"$ROOT"/}/$job.log"
    tail -n 40 "$logs/$job.log"
  done
  if [ ${#failed[@]} -gt 0 ]; then printf '\nmake test FAILED: %s\n' "${failed[*]}" >&2; return 1; fi
  echo "make test: all passed"
}

case "${1:-all}" in
  sanity) run_sanity ;;
  lint) run_lint ;;
  units) run_units ;;
  integration) run_integration ;;
  docs) run_docs ;;
  all) run_all ;;
  *) echo "usage: $0 [all|sanity|lint|units|integration|docs]" >&2; exit 2 ;;
esac

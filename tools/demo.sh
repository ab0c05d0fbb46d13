#!/usr/bin/env bash
# `make demo`: start the LMS sandbox, converge the example playbook twice (the second run must
# change nothing), show the result, stop the sandbox.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv/core-2.19}
PORT=${SANDBOX_PORT:-8780}
URL=http://127.0.0.1:$PORT
export ANSIBLE_COLLECTIONS_PATH=${COLLECTIONS:-$PWD/build/collections}
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
export ISPRING_API_URL=$URL ISPRING_CLIENT_ID=demo-client ISPRING_CLIENT_SECRET=demo-secret
export EDUBRITE_SITE_URL=$URL EDUBRITE_API_USERNAME=api_demo EDUBRITE_API_PASSWORD=demo-password EDUBRITE_RUN_AS=adminusername
log=$(mktemp -d)/sandbox.log

PYTHONPATH=sandbox "$VENV/bin/python" -m lms_sandbox --host 127.0.0.1 --port "$PORT" >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; true' EXIT
# Wait for this sandbox's own "listening" line: a health check could be answered by another
# process that already holds the port.
for _ in $(seq 200); do
  grep -q "LMS sandbox listening on" "$log" && break
  kill -0 "$pid" 2>/dev/null || {
    echo "The sandbox did not start (is port $PORT taken? set SANDBOX_PORT=<free port>):"; cat "$log"; exit 1; }
  sleep 0.1
done
grep -q "LMS sandbox listening on" "$log" || { echo "The sandbox did not start within 20 s:"; cat "$log"; exit 1; }
echo "LMS sandbox (pid $pid) on $URL"

converge() {
  "$VENV/bin/ansible-playbook" -i playbooks/inventory/hosts.yml playbooks/converge.yml "$@" | tee "$log.run"
}
recap_changed() { sed -n 's/.*changed=\([0-9]*\).*/\1/p' "$log.run" | tail -1; }
drift_report() {
  "$VENV/bin/ansible-playbook" -i playbooks/inventory/hosts.yml playbooks/drift_report.yml --check \
    -e drift_report_path="$log.drift.md" -e drift_report_print=false "$@" >"$log.drift" \
    || { cat "$log.drift"; return 1; }
  sed 's/^/  | /' "$log.drift.md"
}

echo; echo "=== Drift report (drift_report.yml --check): what differs from playbooks/vars/learners.yml"
drift_report
echo; echo "=== First run: the LMS follows the declared states"
converge --diff
first=$(recap_changed)
echo; echo "=== Second run: nothing left to change"
converge
second=$(recap_changed)
echo; echo "=== Drift report again, failing on any drift"
drift_report -e drift_report_fail_on_drift=true

echo; echo "=== Result: the sandbox's own state and what was sent"
fetch() { "$VENV/bin/python" -c "import urllib.request, sys; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())" "$URL$1"; }
fetch /_sandbox/state | "$VENV/bin/python" -c '
import json, sys
state = json.load(sys.stdin)
for e in state["ispring"]["enrollments"]:
    print("  iSpring   %-8s course %-36s %-12s %s" % (e.get("login") or e["learnerId"], e["courseId"], e["completionStatus"], e["completionDate"] or ""))
for p in state["edubrite"]["programs"]:
    for m in p["members"]:
        print("  EduBrite  %-8s program %-19s %-10s award=%-5s score=%-5s start=%s due=%s" % (
            m["userName"], p["id"], m["status"], m["award"], m["score"], m["startDate"], m["dueDate"]))
'
fetch /_sandbox/requests | "$VENV/bin/python" -c '
import collections, json, sys
counts = collections.Counter(r["operation"] for r in json.load(sys.stdin))
print("  requests received: " + ", ".join("%s %d" % item for item in sorted(counts.items())))
'
if [ "$first" -gt 0 ] && [ "$second" = 0 ]; then
  echo; echo "Demo OK: the first run changed $first task(s), the second changed nothing."
else
  echo; echo "Demo FAILED: first run changed ${first:-?} task(s), second run ${second:-?} (expected > 0, then 0)."; exit 1
fi

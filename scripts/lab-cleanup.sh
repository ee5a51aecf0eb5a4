#!/usr/bin/env bash
# Removes the fake-host labs of upstream-doctor's end-to-end tests (lab/) that a crashed run left
# behind: their processes, network namespaces, bridges and files. Plain shell and iproute2, so it
# works before `npm ci` too.
#   scripts/lab-cleanup.sh [PREFIX]      PREFIX defaults to "ud" (the tests' prefix)
# Kills every lab with that prefix, running or not: use it when no test run is in progress.
# Environment: UPSTREAM_DOCTOR_LAB_ROOT (default /var/tmp/upstream-doctor-lab).
set -uo pipefail

prefix=${1:-ud}
work_root=${UPSTREAM_DOCTOR_LAB_ROOT:-/var/tmp/upstream-doctor-lab}
if ! [[ $prefix =~ ^[A-Za-z][A-Za-z0-9]*(-[A-Za-z0-9]+)*$ ]]; then
  echo "lab-cleanup: bad prefix '$prefix'" >&2
  exit 2
fi

# Lab namespaces are named <prefix>-<lab id>-<host>, bridges <prefix>-br<lab id> (see lab/names.ts).
mapfile -t namespaces < <(ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${prefix}-[0-9]{1,3}-[a-z0-9-]+$")
mapfile -t bridges < <(ls /sys/class/net 2>/dev/null | grep -E "^${prefix}-br[0-9]{1,3}$")

# Kill in rounds: a forking sshd may add a process while the others die.
for _ in 1 2 3; do
  pids=()
  for ns in "${namespaces[@]}"; do
    mapfile -t -O "${#pids[@]}" pids < <(ip netns pids "$ns" 2>/dev/null)
  done
  [ ${#pids[@]} -eq 0 ] && break
  kill -9 "${pids[@]}" 2>/dev/null
  sleep 0.2
done

for ns in "${namespaces[@]}"; do
  ip netns del "$ns" 2>/dev/null && echo "removed netns $ns"
done
for br in "${bridges[@]}"; do
  ip link del "$br" 2>/dev/null && echo "removed link $br"
done
for dir in "$work_root"/net-*; do
  [ -f "$dir/owner.json" ] || continue
  if grep -q "\"prefix\":\"${prefix}\"" "$dir/owner.json"; then
    rm -rf -- "$dir" && echo "removed $dir"
  fi
done
exit 0

#!/usr/bin/env bash
# What the whole suite needs before it starts: `npm test` runs this first (its `pretest`), so that on a fresh
# Debian machine the README's test command sets itself up instead of failing a dozen end-to-end files with
# raw ENOENT traces. The end-to-end tests stage fake hosts (network namespaces running Debian's sshd, nginx,
# php-fpm, real iptables and nftables rules) and talk to a real Redis, so they need root and those packages.
#
#   as root:     installs the missing packages (apt-get) and starts Redis on 127.0.0.1:6379 if none answers
#   not root:    stops within a second with one line naming what is missing and the command to run
#   UD_TEST_NO_INSTALL=1: never installs; a missing package stops the run like it does without root
#
# Plain bash and coreutils: it runs before `npm ci` has built anything. Exit 0: ready; 2: not ready (the line
# on stderr says why).
set -uo pipefail

# program (or path) → Debian package. A program is found on PATH or in /usr/sbin, /sbin.
requirements=(
  "nginx nginx"
  "/usr/lib/nginx/modules/ngx_stream_module.so libnginx-mod-stream"
  "sshd openssh-server"
  "ssh openssh-client"
  "iptables iptables"
  "nft nftables"
  "redis-server redis-server"
  "redis-cli redis-tools"
  "ip iproute2"
  "ss iproute2"
  "ps procps"
  "sudo sudo"
  "visudo sudo"
  "curl curl"
  "parallel-ssh pssh"
  "php-fpm* php-fpm"
  "unshare util-linux"
  "nsenter util-linux"
  "setpriv util-linux"
  "script bsdutils"
  "perl perl-base"
)

# A regular, executable file on PATH or in /usr/sbin, /sbin (a glob for versioned names: php-fpm8.2), or the
# file an absolute path names.
found() {
  local program=$1 dir path
  # An absolute path names a file a package installs (an nginx module): it only has to be there.
  if [[ $program == /* ]]; then [ -f "$program" ]; return; fi
  local IFS=:
  for dir in $PATH /usr/sbin /sbin; do
    for path in "$dir"/$program; do
      [ -f "$path" ] && [ -x "$path" ] && return 0
    done
  done
  return 1
}

missing=()
for entry in "${requirements[@]}"; do
  read -r program package <<<"$entry"
  found "$program" || missing+=("$package")
done
# Each package once, in the order first needed.
mapfile -t missing < <(printf '%s\n' "${missing[@]}" | awk 'NF && !seen[$0]++')

root=false
[ "$(id -u)" = 0 ] && root=true

if [ ${#missing[@]} -gt 0 ]; then
  install="apt-get install -y --no-install-recommends ${missing[*]}"
  if ! $root || [ "${UD_TEST_NO_INSTALL:-}" = 1 ] || ! command -v apt-get >/dev/null; then
    if $root; then
      echo "npm test: missing ${missing[*]}: run \`$install\`, then npm test again" >&2
    else
      echo "npm test: needs root (fake hosts are network namespaces) and ${missing[*]}: run \`sudo $install && sudo npm test\`" >&2
    fi
    exit 2
  fi
  echo "npm test: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # Packages must not start their services (the tests start their own): a policy-rc.d for the install
  # only, removed afterwards unless the machine had one.
  policy=/usr/sbin/policy-rc.d
  own_policy=false
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=true
  fi
  ok=true
  apt-get update -qq >/dev/null 2>&1 || true
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/upstream-doctor-apt.log 2>&1 || ok=false
  $own_policy && rm -f "$policy"
  if ! $ok; then
    echo "npm test: \`$install\` failed: see /tmp/upstream-doctor-apt.log" >&2
    exit 2
  fi
elif ! $root; then
  echo "npm test: needs root (fake hosts are network namespaces): run \`sudo npm test\` (or \`npm run test:unit\` for the unit tests alone)" >&2
  exit 2
fi

# A Redis on 127.0.0.1:6379 (the tests use their own key prefixes and db numbers there).
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "npm test: starting redis on 127.0.0.1:6379 (nothing kept on disk)" >&2
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/upstream-doctor-test.log >/dev/null
  for _ in $(seq 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
  if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "npm test: redis did not answer on 127.0.0.1:6379: see /var/log/redis/upstream-doctor-test.log" >&2
    exit 2
  fi
fi
exit 0

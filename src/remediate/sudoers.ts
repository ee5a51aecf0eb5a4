// The sudo rules a non-root SSH user needs to APPLY a plan (on top of the diagnosis rules): exactly the
// privileged commands of apply.ts / test-plan.ts / recover.ts / host-steps.ts, as Debian installs them.
// Arguments are matched by regular expressions (sudo ≥ 1.9.10; Debian 12 has 1.9.13), because sudoers'
// `*` also matches spaces and would let `tee -- /etc/nginx/x /etc/sudoers.d/y` through. Paths: under
// /etc/nginx, each segment may start with one dot (our hidden temp and backup files) but never be `.`
// or `..`.
// The e2e suite installs these rules for a `deploy` user and applies a fix through them.
//
// "Run nginx -t" (testPlan) writes a candidate under a fresh /tmp/upstream-doctor-test.XXXXXXXX and runs nginx
// -t with it bind-mounted over the live file in a private mount namespace: `unshare … sh -c <script>`. Its
// rule spells out the constant script (test-plan.ts's CANDIDATE_SCRIPT) character by character, so the shell
// can run that script and nothing else (src/sudoers/pattern.ts spells it).
//
// Not covered: configs outside /etc/nginx (adapt NGINX_PATH).
import { CANDIDATE_SCRIPT, candidateTestArgv } from './test-plan.js';
import {
  LOG_PATH,
  NAME,
  NGINX_BINARY,
  NGINX_DIR,
  NGINX_PATH,
  aliasBlock,
  literalPattern,
} from '../sudoers/pattern.js';

const CANDIDATE_DIR = '/tmp/upstream-doctor-test[.][A-Za-z0-9]{8}';

export function remediationSudoers(user: string): string {
  const rules = [
    // The file, and the main config's directory (/etc/nginx itself): plans are confined to its real path.
    `/usr/bin/readlink ^-e -- ${NGINX_DIR}$`,
    `/usr/bin/cp ^-p -- ${NGINX_PATH} ${NGINX_PATH}$`,
    `/usr/bin/mktemp ^-p ${NGINX_DIR} [.]${NAME}[.]ud-tmp-XXXXXXXX$`,
    `/usr/bin/tee ^-- ${NGINX_PATH}$`,
    `/usr/bin/chown ^--reference ${NGINX_PATH} -- ${NGINX_PATH}$`,
    `/usr/bin/chmod ^--reference ${NGINX_PATH} -- ${NGINX_PATH}$`,
    `/usr/bin/sha256sum ^-- ${NGINX_PATH}$`,
    `/usr/bin/mv ^-f -- ${NGINX_PATH} ${NGINX_PATH}$`,
    `/usr/bin/rm ^-f -- ${NGINX_PATH}$`,
    `${NGINX_BINARY} ^-c ${NGINX_PATH}( -p ${NGINX_DIR}/?)? -s reload$`,
    `/usr/bin/stat ^-L -c %s -- ${LOG_PATH}$`,
    `/usr/bin/tail ^-c [+][0-9]+ -- ${LOG_PATH}$`,
    `/usr/bin/find ^${NGINX_DIR} -maxdepth 1 -name [.]${NAME}[.]ud-(tmp-[*]|backup-[*]-p-[A-Za-z0-9_-]+)( -delete)?$`,
    // Run nginx -t: the candidate's directory, the candidate, the check in a private mount namespace.
    `/usr/bin/mktemp ^-d -t upstream-doctor-test[.]XXXXXXXX$`,
    `/usr/bin/tee ^-- ${CANDIDATE_DIR}/${NAME}$`,
    `/usr/bin/unshare ^--mount --propagation private -- sh -c ${literalPattern(CANDIDATE_SCRIPT)} upstream-doctor-test ${CANDIDATE_DIR}/${NAME} ${NGINX_PATH} ${NGINX_BINARY} -t -c ${NGINX_PATH}( -p ${NGINX_DIR}/?)?$`,
    `/usr/bin/rm ^-rf -- ${CANDIDATE_DIR}$`,
  ];
  return `${aliasBlock(
    [
      'upstream-doctor: applying an approved fix (backup, atomic write, nginx -t, reload, restore) and',
      'testing one on a candidate copy (Run nginx -t)',
    ],
    'UPSTREAM_DOCTOR_APPLY',
    rules,
    `${user} ALL=(root) NOPASSWD: UPSTREAM_DOCTOR_APPLY`,
  )}\n`;
}

/**
 * One command of each kind an apply and a test send through sudo, shaped as apply.ts, test-plan.ts,
 * recover.ts and host-steps.ts shape them, on paths every Debian nginx host has: `sudo -n -l ARGV` on a host
 * says whether its rules allow each, without running anything (upstream-doctor doctor).
 */
export function applyProbes(): string[][] {
  const conf = '/etc/nginx/nginx.conf';
  const tmp = '/etc/nginx/.nginx.conf.ud-tmp-doctor00';
  const candidateDir = '/tmp/upstream-doctor-test.doctor00';
  return [
    ['readlink', '-e', '--', conf],
    ['readlink', '-e', '--', '/etc/nginx'],
    ['cat', '--', conf],
    ['cp', '-p', '--', conf, '/etc/nginx/.nginx.conf.ud-backup-20260101T000000Z-p-doctor'],
    ['mktemp', '-p', '/etc/nginx', '.nginx.conf.ud-tmp-XXXXXXXX'],
    ['tee', '--', tmp],
    ['chown', '--reference', conf, '--', tmp],
    ['chmod', '--reference', conf, '--', tmp],
    ['sha256sum', '--', conf],
    ['mv', '-f', '--', tmp, conf],
    ['rm', '-f', '--', tmp],
    [NGINX_BINARY, '-t', '-c', conf],
    [NGINX_BINARY, '-c', conf, '-s', 'reload'],
    ['stat', '-L', '-c', '%s', '--', '/var/log/nginx/error.log'],
    ['tail', '-c', '+1', '--', '/var/log/nginx/error.log'],
    ['find', '/etc/nginx', '-maxdepth', '1', '-name', '.nginx.conf.ud-tmp-*', '-delete'],
    ['mktemp', '-d', '-t', 'upstream-doctor-test.XXXXXXXX'],
    ['tee', '--', `${candidateDir}/nginx.conf`],
    candidateTestArgv(`${candidateDir}/nginx.conf`, conf, { binary: NGINX_BINARY, configPath: conf }),
    ['rm', '-rf', '--', candidateDir],
  ];
}

// The sudo rules a non-root SSH user needs to APPLY a plan (on top of the diagnosis rules): exactly the
// privileged commands of apply.ts / host-steps.ts, as Debian installs them. Arguments are matched by
// regular expressions (sudo ≥ 1.9.10; Debian 12 has 1.9.13), because sudoers' `*` also matches spaces and
// would let `tee -- /etc/nginx/x /etc/sudoers.d/y` through. Paths: under /etc/nginx, each segment
// may start with one dot (our hidden temp and backup files) but never be `.` or `..`.
// The e2e suite installs these rules for a `deploy` user and applies a fix through them.
//
// Not covered: `remediation_test` (its candidate check runs `unshare … sh -c <constant script>` as root, which
// no argument pattern can make narrower than a root shell; give it a root-owned wrapper, or run tests only
// on hosts reached as root), and configs outside /etc/nginx (adapt the two path patterns).
const SEG = '/[.]?[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*';
const NGINX_PATH = `/etc/nginx(${SEG})+`;
const LOG_PATH = `/var/log/nginx${SEG}`;
const NAME = '[A-Za-z0-9_@+-][A-Za-z0-9._@+-]*';

export function remediationSudoers(user: string): string {
  const rules = [
    `/usr/bin/readlink ^-e -- ${NGINX_PATH}$`,
    `/usr/bin/cp ^-p -- ${NGINX_PATH} ${NGINX_PATH}$`,
    `/usr/bin/mktemp ^-p ${NGINX_PATH} [.]${NAME}[.]ud-tmp-XXXXXXXX$`,
    `/usr/bin/tee ^-- ${NGINX_PATH}$`,
    `/usr/bin/chown ^--reference ${NGINX_PATH} -- ${NGINX_PATH}$`,
    `/usr/bin/chmod ^--reference ${NGINX_PATH} -- ${NGINX_PATH}$`,
    `/usr/bin/sha256sum ^-- ${NGINX_PATH}$`,
    `/usr/bin/mv ^-f -- ${NGINX_PATH} ${NGINX_PATH}$`,
    `/usr/bin/rm ^-f -- ${NGINX_PATH}$`,
    `/usr/sbin/nginx ^-c ${NGINX_PATH}( -p ${NGINX_PATH}/?)? -s reload$`,
    `/usr/bin/tail ^-c [+][0-9]+ -- ${LOG_PATH}$`,
    `/usr/bin/find ^${NGINX_PATH} -maxdepth 1 -name [.]${NAME}[.]ud-(tmp-[*]|backup-[*]-p-[A-Za-z0-9_-]+)( -delete)?$`,
  ];
  return [
    '# upstream-doctor: applying an approved fix (backup, atomic write, nginx -t, reload, restore)',
    `Cmnd_Alias UPSTREAM_DOCTOR_APPLY = \\`,
    rules.map((r) => `    ${r}`).join(', \\\n'),
    `${user} ALL=(root) NOPASSWD: UPSTREAM_DOCTOR_APPLY`,
    '',
  ].join('\n');
}

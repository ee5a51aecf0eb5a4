// nginx in a "container" on a lab host: a master in a PID and mount namespace below the host's, with its own
// /etc/nginx, /run and /var/log/nginx, as Docker or Podman would run it (the same nginx program, as an image
// built from the same distribution has). From the host, ps shows it like any process; only the kernel's NSpid
// tells that it is another namespace's, whose files the host's commands do not see.
import type { LabHost } from './host.js';
import { LabError, waitFor } from './proc.js';

/** Inside the host: the container's /etc/nginx (bound over /etc/nginx in the container only). */
export const CONTAINER_ETC = '/srv/container/etc-nginx';

/**
 * Constant text: $1 is the container's /etc/nginx. tmpfs /run and /var/log/nginx: its pid file and logs are
 * its own. `exec nginx -g 'daemon off;'` makes nginx the namespace's PID 1, as in a container.
 */
const CONTAINER_SCRIPT =
  'mount --bind "$1" /etc/nginx && mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/log/nginx && ' +
  "exec nginx -g 'daemon off;'";

/** Starts nginx with `nginxConf` as its /etc/nginx/nginx.conf in a container; resolves once `port` answers. */
export async function startContainedNginx(host: LabHost, nginxConf: string, port: number): Promise<void> {
  await host.writeFile(`${CONTAINER_ETC}/nginx.conf`, nginxConf);
  // setsid -f: the container outlives this command; the host's init reaps it, its teardown kills it.
  const started = await host.exec([
    'sh',
    '-c',
    'setsid -f unshare --pid --mount --fork --mount-proc --propagation private sh -c "$0" container "$1" ' +
      '</dev/null >/dev/null 2>&1',
    CONTAINER_SCRIPT,
    CONTAINER_ETC,
  ]);
  if (started.code !== 0) throw new LabError(`${host.name}: cannot start the container: ${started.stderr}`);
  if (!(await waitFor(async () => (await host.request('/', { port, timeoutMs: 1_000 })).status > 0, 5_000)))
    throw new LabError(`${host.name}: the container's nginx does not answer on port ${port}`);
}

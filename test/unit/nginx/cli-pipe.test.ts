// The built `upstream-doctor nginx-json` through a real pipe whose reader is slow: the payload is written in
// chunks as the pipe takes them, every byte arrives (the same bytes the in-process payload serializes to),
// and the exit status (0 parsed, 1 parse errors) comes only once the last byte is in the pipe.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfigFile } from '../../../src/parsers/nginx/disk.js';
import { toCrossplaneJson } from '../../../src/parsers/nginx/json.js';
import { printableJsonText } from '../../../src/text/visible.js';

const bin = fileURLToPath(new URL('../../../bin/upstream-doctor.js', import.meta.url));

/** Runs nginx-json FILE, pausing after each chunk of its stdout: a reader slower than the writer. */
function slowRead(
  file: string,
): Promise<{ out: string; code: number | null; pauses: number; afterExit: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'nginx-json', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let pauses = 0;
    let exited = false;
    let afterExit = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      if (exited) afterExit += chunk.length;
      chunks.push(chunk);
      child.stdout.pause();
      pauses++;
      setTimeout(() => child.stdout.resume(), 3);
    });
    child.on('exit', () => (exited = true));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ out: Buffer.concat(chunks).toString('utf8'), code, pauses, afterExit }),
    );
  });
}

describe('nginx-json through a pipe read slowly', () => {
  let dir: string;
  const server = (i: number): string =>
    `server {\n    listen 80;\n    server_name s${i}.example.com "é${i}";\n    location / { proxy_pass http://127.0.0.1:${8000 + i}; }\n}\n`;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'nginx-json-pipe-'));
    const servers = Array.from({ length: 8000 }, (_, i) => server(i)).join('');
    writeFileSync(join(dir, 'big.conf'), `events {}\nhttp {\n${servers}}\n`);
    writeFileSync(join(dir, 'broken.conf'), `events {}\nhttp {\n${servers}}\n}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, status] of [
    ['big.conf', 0],
    ['broken.conf', 1],
  ] as const) {
    it(`${name}: every byte of the payload, then exit ${status}`, async () => {
      const file = join(dir, name);
      const expected = `${printableJsonText(toCrossplaneJson(parseConfigFile(file).payload))}\n`;
      expect(expected.length).toBeGreaterThan(1_000_000); // far more than a pipe holds (64 KiB)
      const run = await slowRead(file);
      expect(run.code).toBe(status);
      expect(run.out.length).toBe(expected.length);
      expect(run.out).toBe(expected);
      // The process waited for the reader: at its exit no more was left than a pipe and a read buffer hold.
      expect(run.afterExit).toBeLessThanOrEqual(256 * 1024);
      expect(run.pauses).toBeGreaterThan(10);
    }, 60_000);
  }
});

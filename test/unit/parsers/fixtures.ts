// Where the host fixtures live (recorded from the real tools by test/fixtures/hosts/record-*.sh).
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';

export const HOSTS = fileURLToPath(new URL('../../fixtures/hosts/', import.meta.url));
export const TOOLS = `${HOSTS}tools/`;

/** A recorded tool output: tool('ss/tcp-mixed.txt'). */
export const tool = (path: string): string => readFileSync(`${TOOLS}${path}`, 'utf8');

/** The files of one tool's directory whose names end with `suffix`. */
export const toolFiles = (dir: string, suffix: string): string[] =>
  readdirSync(`${TOOLS}${dir}`)
    .filter((f) => f.endsWith(suffix))
    .sort();

/** The whole-host scenario directories (those holding an nginx -T dump). */
export const scenarios = (): string[] =>
  readdirSync(HOSTS, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(`${HOSTS}${d.name}/nginx-T.txt`))
    .map((d) => d.name)
    .sort();

/** A scenario's recorded file: scenarioFile('port-mismatch', 'ss-tcp.txt'). */
export const scenarioFile = (scenario: string, name: string): string =>
  readFileSync(`${HOSTS}${scenario}/${name}`, 'utf8');

/** Random text biased towards the characters these formats are made of. */
export const FORMAT_CHARS = [
  ...'0123456789abcdefxyz:[]%*"(),=#/\\.\t\n -_@\'$',
  'LISTEN ',
  'users:((',
  ',pid=',
  ',fd=',
  'u_str ',
  ', client: ',
  ', server: ',
  ', request: "',
  ', upstream: "',
  ', host: "',
  ', referrer: "',
  ' sent in stderr: "',
  '2026/11/23 10:35:12 [error] 12#12: *5 ',
  'connect() to unix:/x failed (13: Permission denied)',
  ' --> on',
  'nginx: master process ',
  'nginx: worker process',
  '\tsocket\t660\t33\t33\twww-data\twww-data\t0\t1795430112',
  "stat: cannot statx '",
  "': No such file or directory",
  'Id=',
  'nginx: [emerg] ',
  ' in /etc/nginx/x.conf:12',
];

/** Any text, and text assembled from the pieces of the recorded formats (to reach the deeper branches). */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.string({ unit: fc.constantFrom(...FORMAT_CHARS), maxLength: 80 }),
);

// `nginx -t` (and the stderr of `nginx -T`) → whether the config passes, and each diagnostic split out.
//
// nginx prints its diagnostics in one of two shapes, depending on where its startup log goes:
//   2026/11/23 16:12:11 [emerg] 42#42: unexpected "}" in /etc/nginx/conf.d/shop.conf:14
//       (Debian/Ubuntu: built with --error-log-path=stderr, so -t's messages are error-log lines)
//   nginx: [emerg] unexpected "}" in /etc/nginx/conf.d/shop.conf:14
//       (nginx.org and RHEL builds, or -e FILE: a startup log file, and a copy to stderr)
// followed by "nginx: configuration file /etc/nginx/nginx.conf test failed", or on success by
// "nginx: the configuration file … syntax is ok" and "nginx: configuration file … test is successful".
// Recorded from nginx 1.22.1 on good and broken configs, as root and not: test/fixtures/hosts/tools/nginx-test/.
import type { NginxTestResult } from '../model/facts.js';

type Diagnostic = NginxTestResult['errors'][number];

const LOG_LINE = /^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2} \[([a-z]+)\] \d+#\d+: (?:\*\d+ )?(.*)$/;
const STDERR_LINE = /^nginx: \[([a-z]+)\] (.*)$/;
const AT = /^(.*) in (\S.*?):(\d+)$/;
const CONFIG_FILE =
  /^nginx: (?:the )?configuration file (.+?) (?:syntax is ok|test is successful|test failed)$/;

function diagnostic(line: string): Diagnostic | undefined {
  const m = LOG_LINE.exec(line) ?? STDERR_LINE.exec(line);
  if (!m) return undefined;
  const d: Diagnostic = { level: m[1]!, message: m[2]!, raw: line };
  const at = AT.exec(m[2]!);
  if (at) {
    d.message = at[1]!;
    d.file = at[2]!;
    d.line = Number(at[3]);
  }
  return d;
}

/**
 * stderr of `nginx -t` and its exit code → the result. The exit code decides; without one (the command did
 * not finish) the text does: "test is successful" and no [emerg]. Never throws.
 */
export function parseNginxTest(stderr: string, exitCode: number | null): NginxTestResult {
  const errors: Diagnostic[] = [];
  let configFile: string | undefined;
  let successful = false;
  for (const rawLine of stderr.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    const d = diagnostic(line);
    if (d) {
      errors.push(d);
      continue;
    }
    const c = CONFIG_FILE.exec(line);
    if (c) {
      configFile ??= c[1]!;
      if (line.endsWith(' test is successful')) successful = true;
    }
  }
  const fatal = errors.some((e) => e.level === 'emerg');
  const ok = exitCode === null ? successful && !fatal : exitCode === 0;
  const result: NginxTestResult = { ok, errors, raw: stderr };
  if (configFile) result.configFile = configFile;
  return result;
}

/**
 * The diagnostics that fail the test, first one first: what to show a human. Only [emerg] stops nginx;
 * an [alert] such as "could not open error log file" (not root) is printed and nginx carries on.
 */
export function fatalErrors(result: NginxTestResult): Diagnostic[] {
  return result.errors.filter((e) => e.level === 'emerg');
}

// The state of nginx itself: is it running, does its config pass `nginx -t`, and is the running config the
// one on disk (runbook: "Forgetting to Reload Nginx", "Not Testing Configuration").
import type { ConfigEdit, Evidence, Finding } from '../../model/types.js';
import { replaceOnLine, sourceLine } from '../edit.js';
import { entryEpoch, entryMatchesTarget } from '../log-match.js';
import type { CheckContext } from './context.js';
import { containedNginx, nginxNotInstalled } from './nginx-installed.js';

/**
 * A worker's start is known to the clock tick (1/100 s) and /proc/uptime to the hundredth: two ticks cover
 * both, and a write that close to a reload cannot be told apart from one just before it.
 */
const PRECISE_SLACK_SECONDS = 0.02;

/** No nginx master runs (or, more to the point, none is installed: nginx-installed.ts). */
export function nginxNotRunning(ctx: CheckContext): Finding[] {
  const { facts } = ctx;
  if (facts.nginx.processes.master) return [];
  const notInstalled = nginxNotInstalled(ctx);
  if (notInstalled.length > 0) return notInstalled;
  const invalid = facts.nginx.test && !facts.nginx.test.ok;
  const contained = containedNginx(facts);
  return [
    {
      cause: 'nginx-not-running',
      severity: 'critical',
      title: `nginx is not running on ${facts.target}`,
      detail:
        'No nginx master process is running, so nothing answers on its ports (clients see connection refused, or a ' +
        'load balancer in front answers 502).' +
        (invalid ? ' Its configuration fails `nginx -t`, which would also stop it from starting.' : '') +
        (facts.nginx.notRun ? ` nginx's own commands were not run: ${facts.nginx.notRun}.` : '') +
        contained.note,
      evidence: [
        {
          source: 'ps',
          text: `no process "nginx: master process"${contained.note ? " in the host's own PID namespace" : ''}`,
        },
        ...contained.evidence,
      ],
      fix: {
        summary: invalid
          ? 'Fix the configuration error below, then start nginx'
          : 'Start nginx and look at why it stopped',
        commands: ['nginx -t', 'systemctl start nginx', 'journalctl -u nginx -n 50'],
      },
    },
  ];
}

export function configInvalid(ctx: CheckContext): Finding[] {
  const { facts } = ctx;
  const test = facts.nginx.test;
  if (!test || test.ok) return [];
  const first = test.errors.find((e) => e.level === 'emerg') ?? test.errors[0];
  const evidence: Evidence[] = test.errors.slice(0, 3).map((e) => ({
    source: 'nginx -t',
    ...(e.file ? { file: e.file } : {}),
    ...(e.line ? { line: e.line } : {}),
    text: e.raw,
  }));
  if (first?.file && first.line) {
    const text = sourceLine(facts.nginx.sources, first.file, first.line);
    if (text !== undefined)
      evidence.push({ source: 'config', file: first.file, line: first.line, text: text.trim() });
  }
  const running = facts.nginx.processes.master !== undefined;
  return [
    {
      cause: 'nginx-config-invalid',
      severity: 'critical',
      title: `nginx -t fails: ${first?.message ?? 'the configuration is invalid'}${first?.file ? ` (${first.file}:${first.line})` : ''}`,
      detail: running
        ? 'The configuration on disk does not pass `nginx -t`, so a reload is refused and nginx keeps serving the ' +
          'configuration it loaded before: whatever edit was meant to fix the 502 never took effect.'
        : 'The configuration on disk does not pass `nginx -t`, so nginx cannot start.',
      evidence,
      fix: { summary: fixSummary(first?.message), ...editFor(ctx, first) },
    },
  ];
}

function fixSummary(message: string | undefined): string {
  if (message?.includes('invalid URL prefix'))
    return 'Add the scheme: proxy_pass needs http:// (or https://)';
  if (message && /is not terminated by ";"|unexpected "}"|expecting ";"/.test(message))
    return 'Add the missing ";"';
  return 'Correct the line nginx -t names, run nginx -t, then reload';
}

/** Concrete edits for the errors we can repair with certainty; others get a summary only. */
function editFor(
  ctx: CheckContext,
  error: { message: string; file?: string; line?: number } | undefined,
): { edit?: ConfigEdit } {
  if (!error?.file || !error.line) return {};
  const sources = ctx.facts.nginx.sources;
  const prefix = /invalid URL prefix in "([^"]+)"/.exec(error.message);
  if (prefix) {
    const edit = replaceOnLine(sources, error.file, error.line, prefix[1]!, `http://${prefix[1]}`);
    return edit ? { edit } : {};
  }
  // `server 127.0.0.1:3000` followed by `}`: nginx reports the brace; the missing ";" is on the line before.
  if (/unexpected "}"|unexpected end of file, expecting ";"/.test(error.message)) {
    const lines = (sources.get(error.file) ?? '').split('\n');
    for (let n = error.line - 1; n >= 1; n--) {
      const text = lines[n - 1] ?? '';
      const code = text.trim();
      if (code === '' || code.startsWith('#')) continue;
      if (/[;{}]$/.test(code) || code.includes('#')) break;
      return { edit: { file: error.file, line: n, before: text, after: `${text.trimEnd()};` } };
    }
  }
  return {};
}

/**
 * Config files changed after nginx last loaded its config. Workers are re-forked on every reload, so the
 * youngest worker's start tells when the running config was loaded: to the clock tick from /proc/PID/stat,
 * compared with mtimes to the nanosecond, so an edit a second after a reload is seen and a deploy that
 * writes and reloads within the same second is not mistaken for one. With whole seconds only (ps), one
 * second of slack each way. The strongest evidence needs no clock at all: the error log shows nginx, after
 * the edit, still connecting to a target the file on disk no longer names.
 */
export function configNotReloaded(ctx: CheckContext): Finding[] {
  const { facts } = ctx;
  const { processes, loadedAt } = facts.nginx;
  if (!processes.master || processes.workers.length === 0) return [];
  if (facts.nginx.test && !facts.nginx.test.ok) return []; // configInvalid explains it, and reload is impossible
  const configFiles = new Set(facts.nginx.sources.keys());
  const files = facts.stats.filter((s) => configFiles.has(s.path) && s.mtime !== undefined);
  const slack = loadedAt?.precise ? PRECISE_SLACK_SECONDS : 1;
  const byClock = loadedAt ? files.filter((s) => s.mtime! > loadedAt.epoch + slack) : [];

  // Upstreams in the error log that the config on disk no longer names: the running config's old targets.
  // (Not with variables in a pass directive: nginx then connects to whatever a request names.)
  const named = facts.upstreams.every((t) => !t.dynamic && !t.invalid);
  const stale = ctx.recent.filter(
    (e) => e.upstream && named && !facts.upstreams.some((t) => entryMatchesTarget(e, t, facts.resolved)),
  );
  // Logged after the last edit (a log second S was written at S or later, so S > mtime means after it).
  const newest = Math.max(...files.map((s) => s.mtime!));
  const staleAfterEdit = stale.filter((e) => (entryEpoch(e, facts.clock) ?? -Infinity) > newest);
  const changed =
    byClock.length > 0 ? byClock : staleAfterEdit.length > 0 ? files.filter((s) => s.mtime === newest) : [];
  if (changed.length === 0) return [];
  const iso = (epoch: number) => new Date(Math.floor(epoch * 1000)).toISOString().replace('.000Z', 'Z');
  const evidence: Evidence[] = [
    ...changed
      .slice(0, 3)
      .map((s) => ({ source: 'stat', file: s.path, text: `${s.path} modified ${iso(s.mtime!)}` })),
    ...(loadedAt
      ? [
          {
            source: loadedAt.precise ? '/proc/PID/stat' : 'ps',
            text: `nginx workers started ${iso(loadedAt.epoch)} (last start or reload)`,
          },
        ]
      : []),
    ...stale.slice(-2).map((e) => ({ source: 'error.log', file: e.file, text: e.raw })),
  ];
  const critical = stale.length > 0 || !ctx.recent.some((e) => e.upstream);
  return [
    {
      cause: 'config-not-reloaded',
      severity: critical ? 'critical' : 'warning',
      title: `${changed.map((s) => s.path).join(', ')} changed after nginx last loaded its config`,
      detail:
        (loadedAt ? `nginx loaded its configuration at ${iso(loadedAt.epoch)}; ` : '') +
        `${changed.length === 1 ? 'this file was' : 'these files were'} ` +
        `edited later, so nginx still runs the old configuration` +
        (stale.length > 0
          ? ` — the error log still shows it connecting to ${stale.at(-1)!.upstream}, which the file on disk no longer names.`
          : '.'),
      evidence,
      fix: {
        summary: 'Test the configuration and reload nginx',
        commands: ['nginx -t', 'systemctl reload nginx   # or: nginx -s reload'],
      },
    },
  ];
}

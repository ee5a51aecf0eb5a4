// The active connect probe's answer (see PROBE_SCRIPT in collect/commands.ts): its exit code says what happened.
import type { ProbeResult } from '../model/facts.js';
import type { CommandResult } from '../model/types.js';

const OUTCOMES: Record<number, ProbeResult['outcome']> = {
  0: 'ok',
  1: 'refused',
  2: 'timeout',
  3: 'no-route',
  4: 'missing',
  5: 'permission',
};

/**
 * `target` is the probe id without its "probe:" prefix: "127.0.0.1:8000", "::1:8000" or "unix:/run/x.sock".
 * It is normalised to how ss prints endpoints ("[::1]:8000") so checks can look it up.
 */
export function parseProbe(target: string, result: CommandResult): ProbeResult {
  const detail = (result.stdout.trim() || result.stderr.trim() || result.error || '').split('\n')[0]!;
  const outcome = result.exitCode === null ? 'error' : (OUTCOMES[result.exitCode] ?? 'error');
  return { target: normalise(target), outcome, detail, raw: `${result.command}: ${detail}` };
}

function normalise(target: string): string {
  if (target.startsWith('unix:')) return target;
  const colon = target.lastIndexOf(':');
  const host = target.slice(0, colon);
  return host.includes(':') ? `[${host}]${target.slice(colon)}` : target;
}

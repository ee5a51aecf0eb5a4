// `systemctl show UNIT… -p Id,LoadState,ActiveState,SubState,MainPID,ActiveEnterTimestamp,FragmentPath,
// ExecStart,Result` → one ServiceState per unit. systemctl prints KEY=VALUE lines, a blank line between
// units, in its own property order (not the order of -p); a unit that does not exist still gets a block
// (LoadState=not-found), a masked one has no ExecStart. Recorded from systemd 252 (a user manager on this
// machine, whose PID 1 is not systemd): test/fixtures/hosts/tools/systemd/.
import type { ServiceState } from '../model/facts.js';

/** One block's properties. Values keep everything after the first "=" (ExecStart holds "=" itself). */
function properties(block: string): Map<string, string> {
  const props = new Map<string, string>();
  for (const line of block.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) continue;
    props.set(key, line.slice(eq + 1));
  }
  return props;
}

/** "{ path=/usr/sbin/nginx ; argv[]=/usr/sbin/nginx -g daemon on; master_process on; ; ignore_errors=no ; … }"
 *  → "/usr/sbin/nginx -g daemon on; master_process on;" (the command line; its quoting is lost in systemd's
 *  own rendering). Anything else is returned as printed. */
export function execStartCommand(value: string): string {
  const m = /argv\[\]=(.*?) ; (?:ignore_errors|flags)=/.exec(value);
  return m ? m[1]! : value;
}

/** The blocks of `systemctl show`, one ServiceState each. Blocks without Id are skipped. Never throws. */
export function parseSystemctlShow(text: string): ServiceState[] {
  const out: ServiceState[] = [];
  for (const block of text.replace(/\r/g, '').split(/\n\s*\n/)) {
    const raw = block.trim();
    if (raw === '') continue;
    const p = properties(raw);
    const unit = p.get('Id');
    if (!unit) continue;
    const mainPid = Number(p.get('MainPID') ?? '0');
    const state: ServiceState = {
      unit,
      loadState: p.get('LoadState') ?? '',
      activeState: p.get('ActiveState') ?? '',
      subState: p.get('SubState') ?? '',
      mainPid: Number.isInteger(mainPid) && mainPid >= 0 ? mainPid : 0,
      raw,
    };
    // systemctl prints unset properties as "Key=": absent here.
    const timestamp = p.get('ActiveEnterTimestamp');
    if (timestamp) state.activeEnterTimestamp = timestamp;
    const fragment = p.get('FragmentPath');
    if (fragment) state.fragmentPath = fragment;
    const exec = p.get('ExecStart');
    if (exec) state.execStart = exec;
    const result = p.get('Result');
    if (result) state.result = result;
    out.push(state);
  }
  return out;
}

/**
 * Why systemctl could not answer at all, from its stderr: "System has not been booted with systemd as init
 * system (PID 1). Can't operate." (containers, WSL, other inits), no bus, or no systemctl. Undefined when
 * stderr says none of these (a unit-level problem, or nothing).
 */
export function systemctlUnavailable(stderr: string): string | undefined {
  const lines = stderr
    .replace(/\r/g, '')
    .split('\n')
    .map((l) => l.trim());
  const reason = lines.find(
    (l) =>
      /has not been booted with systemd/.test(l) ||
      /^Failed to connect to bus/.test(l) ||
      /systemctl: (?:command )?not found/.test(l),
  );
  return reason;
}

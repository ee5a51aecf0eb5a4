// When processes started, to the clock tick: `ud-proc-times` prints the host's clock (`date +%s.%N`), its
// clock tick (`getconf CLK_TCK`), /proc/uptime and then /proc/PID/stat of each pid asked about. A process's
// start is field 22 of its stat line (ticks since boot), so it started at now − uptime + starttime / tick:
// to the hundredth of a second, where `ps -o etimes` gives whole seconds and leaves a one-second blind spot
// around every reload. The comm field (2) is in parentheses and may hold anything a process names itself
// (spaces, ")" , digits), so fields are counted after the LAST ")" of the line.
export interface ProcTimes {
  /** The host's clock when the script ran, epoch seconds with their fraction. */
  now: number;
  /** Seconds since boot, as /proc/uptime said just before the clock was read (so boot comes out late, if anything). */
  uptime: number;
  /** Start of each pid that answered, epoch seconds with their fraction. */
  startedAt: Map<number, number>;
}

const NUMBER = /^\d+(?:\.\d+)?$/;
/** Field 22 (starttime) is the 20th after the ")" that closes field 2 (comm). */
const STARTTIME_AFTER_COMM = 19;

export function parseProcTimes(text: string): ProcTimes | undefined {
  const lines = text.split('\n');
  const [now, tick, uptimeLine] = [lines[0]?.trim(), lines[1]?.trim(), lines[2]?.trim()];
  const uptime = uptimeLine?.split(' ')[0];
  if (!now || !NUMBER.test(now) || !tick || !/^[1-9]\d{0,5}$/.test(tick) || !uptime || !NUMBER.test(uptime))
    return undefined;
  const hz = Number(tick);
  const times: ProcTimes = { now: Number(now), uptime: Number(uptime), startedAt: new Map() };
  const boot = times.now - times.uptime;
  for (const line of lines.slice(3)) {
    const pid = /^(\d{1,10}) \(/.exec(line)?.[1];
    const close = line.lastIndexOf(')');
    if (!pid || close < 0) continue;
    const ticks = line.slice(close + 2).split(' ')[STARTTIME_AFTER_COMM];
    if (ticks === undefined || !/^\d{1,20}$/.test(ticks)) continue;
    times.startedAt.set(Number(pid), boot + Number(ticks) / hz);
  }
  return times;
}

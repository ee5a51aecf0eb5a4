// Pids inside a lab host are its PID namespace's own (nginx.pid says 7); signals and /proc from
// the root namespace need the machine's number for the same process. Daemons in the host are
// children of its holder (the namespace's init adopts them), so a short walk down from the holder
// finds them, reading the "NSpid:" line of /proc/<pid>/status (machine pid … namespace pid).
import { readFile } from 'node:fs/promises';

async function children(pid: number): Promise<number[]> {
  const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  return text.split(/\s+/).filter(Boolean).map(Number);
}

/** The innermost (namespace) pid of a machine pid, from /proc/<pid>/status. */
export async function namespacePid(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const match = /^NSpid:\s*(.+)$/m.exec(status);
  const last = match?.[1]?.trim().split(/\s+/).pop();
  return last === undefined ? undefined : Number(last);
}

/** The machine pid of the process the host knows as `nsPid`; 0 when no such process runs. */
export async function machinePid(holderPid: number, nsPid: number, maxDepth = 3): Promise<number> {
  if (nsPid === 1) return holderPid;
  let level = [holderPid];
  for (let depth = 0; depth < maxDepth && level.length > 0; depth++) {
    const next: number[] = [];
    for (const parent of level) {
      for (const child of await children(parent)) {
        if ((await namespacePid(child)) === nsPid) return child;
        next.push(child);
      }
    }
    level = next;
  }
  return 0;
}

// nginx-looking processes we do not trust (src/read/trusted-nginx.ts): a process titled "nginx: master
// process …" that runs as an ordinary user, or a root master whose program someone other than root could have
// changed. Never the cause of a 502 by itself, but worth an operator's look: it may be someone's test nginx,
// or an attempt to make a root tool run a program of their choosing (which we refused).
import type { UntrustedNginx } from '../../model/facts.js';
import type { Finding } from '../../model/types.js';
import type { CheckContext } from './context.js';

export function untrustedNginx(ctx: CheckContext): Finding[] {
  return ctx.facts.nginx.untrusted.map((p) => {
    if (p.elsewhere) return elsewhere(p);
    const program = p.claimed ?? p.exe ?? 'an unknown program';
    return {
      cause: 'untrusted-nginx-process',
      severity: 'warning',
      title: p.root
        ? `the nginx master process ${p.pid} runs ${p.exe ?? program}, which root alone does not control`
        : `an nginx-looking process run by ${p.user} (pid ${p.pid}) claims to be ${program}`,
      detail: p.root
        ? `Its program was not run: ${p.reason}. A file that anyone but root can replace is never executed as root.`
        : `Process ${p.pid} calls itself an nginx master, but ${p.reason}${p.exe ? ` and runs ${p.exe}` : ''}. ` +
          'Its program and its -c/-p were not run or read: only a root-owned nginx binary is.',
      evidence: [
        ...p.psLines.slice(0, 2).map((text) => ({ source: 'ps', text })),
        { source: `/proc/${p.pid}`, text: `uid ${p.user}, exe ${p.exe ?? '(unreadable)'}: ${p.cmdline}` },
      ],
      fix: {
        summary: p.root
          ? `Make ${p.exe ?? 'its program'} and its directories owned by root and writable by root only, or restart nginx from /usr/sbin/nginx`
          : `Find out why ${p.user} runs it; stop it if nobody should`,
        commands: [`ps -o pid,user,args -p ${p.pid}`, `ls -l /proc/${p.pid}/exe`],
      },
    };
  });
}

/** An nginx master in a container: its own business, told so that nobody mistakes it for the host's. */
function elsewhere(p: UntrustedNginx): Finding {
  return {
    cause: 'untrusted-nginx-process',
    severity: 'info',
    title: `the nginx master process ${p.pid} runs in a container (another PID namespace): not diagnosed here`,
    detail:
      `Process ${p.pid} is an nginx master, but ${p.reason}. This report is about the host's own nginx; ` +
      'diagnose the container from inside it.',
    evidence: [
      ...p.psLines.slice(0, 2).map((text) => ({ source: 'ps', text })),
      {
        source: `/proc/${p.pid}/status`,
        text: `NSpid: more than one pid (another PID namespace): ${p.cmdline}`,
      },
    ],
    fix: {
      summary: 'Diagnose the nginx inside the container (its own config, logs and backends)',
      commands: [`docker ps   # which container; then: docker exec CONTAINER nginx -T`],
    },
  };
}

// Upstreams named through variables (`proxy_pass $upstream;`, `proxy_pass http://$backend:8080;`), the form
// container proxies ship: nginx resolves such a name for each request with its own `resolver`, never with
// /etc/resolv.conf, so they fail in their own ways ("no resolver defined", "could not be resolved").
import type { ConfigEdit, Finding } from '../../model/types.js';
import { insertBeforeLine } from '../edit.js';
import { type CheckContext, describeUses, logEvidence, passEvidence } from './context.js';

/** proxy_pass with variables resolves names per request, which needs `resolver`. */
export function resolverMissing(ctx: CheckContext): Finding[] {
  const findings: Finding[] = [];
  for (const target of ctx.facts.upstreams) {
    if (!target.dynamic || target.dynamic.hasResolver) continue;
    const entries = ctx.recent.filter((e) => e.kind === 'no-resolver');
    const use = target.uses[0]!;
    const nameserver =
      ctx.facts.nameservers.find((n) => !n.includes(':')) ?? ctx.facts.nameservers[0] ?? '127.0.0.53';
    const ns = nameserver.includes(':') ? `[${nameserver}]` : nameserver;
    const edit: ConfigEdit | undefined = insertBeforeLine(
      ctx.facts.nginx.sources,
      use.ref.file,
      use.ref.line,
      [`resolver ${ns} valid=30s;`],
    );
    findings.push({
      cause: 'resolver-missing',
      severity: entries.length > 0 ? 'critical' : 'warning',
      title: `${use.ref.text} needs a resolver, and none is configured`,
      detail:
        `With a variable in the address nginx resolves the name for each request, using the \`resolver\` directive ` +
        `(it does not read /etc/resolv.conf). Without one, every request whose variable holds a hostname fails with 502` +
        (entries.length > 0 ? ` — the error log shows exactly that ("no resolver defined").` : '.') +
        ` ${describeUses(target)}`,
      evidence: [passEvidence(ctx.facts, target), ...logEvidence(entries)],
      fix: {
        summary: `Add \`resolver ${ns} valid=30s;\` (this host's nameserver) to the server or http block`,
        ...(edit ? { edit } : {}),
      },
    });
  }
  return findings;
}

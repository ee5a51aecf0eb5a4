// Log lines name the address nginx connected to; the config names a host. The recorded SNI scenario proxies
// to https://upstream-sni-required-app:8443 and its error log says upstream: "https://10.213.x.y:8443/": the
// line is tied to the target only through what the host's resolver answered (`getent ahosts`).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../src/model/types.js';
import { reportOf } from '../../../src/analyze/report.js';

const fixture = (id: string): HostSnapshot =>
  (
    JSON.parse(readFileSync(new URL(`../../fixtures/snapshots/${id}.json`, import.meta.url), 'utf8')) as {
      snapshot: HostSnapshot;
    }
  ).snapshot;

describe('error-log lines match a hostname target by its resolved addresses', () => {
  const snapshot = fixture('upstream-sni-required');

  it('ties the handshake failure at the IP to the target named by hostname', () => {
    const [first] = reportOf(snapshot).findings;
    expect(first?.cause).toBe('upstream-ssl-handshake-failed');
    expect(first?.evidence.some((e) => e.text.includes('unrecognized name'))).toBe(true);
  });

  it('does not tie it without the resolver answer (the address alone names no target)', () => {
    const results = Object.fromEntries(
      Object.entries(snapshot.results).filter(([id]) => !id.startsWith('getent:')),
    );
    const causes = reportOf({ ...snapshot, results }).findings.map((f) => f.cause);
    expect(causes).not.toContain('upstream-ssl-handshake-failed');
  });
});

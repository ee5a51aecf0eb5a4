import { describe, expect, it } from 'vitest';
import { parseUfwStatus } from '../../../src/firewall/readers/ufw.js';
import type { UfwRule } from '../../../src/firewall/types.js';
import { fixture, must, ufwStatus } from './fixtures.js';

/** A rule without its printed columns, for compact comparisons. */
function essence(r: UfwRule) {
  const { raw: _raw, line: _line, to: _to, from: _from, ...rest } = r;
  return rest;
}

describe('parseUfwStatus (ufw 0.36.2, recorded)', () => {
  it('reads an inactive firewall', () => {
    expect(must(parseUfwStatus(fixture('ufw/status-inactive.txt')))).toEqual({ active: false, rules: [] });
    expect(must(parseUfwStatus(fixture('ufw/status-disabled.txt'))).active).toBe(false);
  });

  it('reads status, logging and the default policies of `ufw status verbose`', () => {
    const s = ufwStatus('status-verbose');
    expect(s.active).toBe(true);
    expect(s.logging).toBe('on (low)');
    expect(s.defaults).toEqual({ incoming: 'deny', outgoing: 'allow', routed: 'disabled' });
    expect(ufwStatus('status-verbose-strict').defaults).toEqual({
      incoming: 'reject',
      outgoing: 'deny',
      routed: 'disabled',
    });
    expect(s.rules).toHaveLength(24);
    expect(s.rules.filter((r) => r.direction === 'out')).toHaveLength(3);
    expect(s.rules.filter((r) => r.v6)).toHaveLength(10);
  });

  it('reads ports, protocols, sources, destinations, interfaces, app profiles, log flags and comments', () => {
    const rules = ufwStatus('status-verbose').rules.map(essence);
    expect(rules.slice(0, 12)).toEqual([
      { action: 'allow', direction: 'in', v6: false, toPorts: [{ from: 22, to: 22 }], protocol: 'tcp' },
      { action: 'deny', direction: 'in', v6: false, toPorts: [{ from: 8080, to: 8080 }] },
      {
        action: 'reject',
        direction: 'in',
        v6: false,
        fromAddress: '10.0.0.0/8',
        toPorts: [{ from: 3000, to: 3000 }],
        protocol: 'tcp',
      },
      {
        action: 'allow',
        direction: 'in',
        v6: false,
        fromAddress: '10.1.2.3',
        toPorts: [{ from: 5432, to: 5432 }],
      },
      { action: 'limit', direction: 'in', v6: false, toPorts: [{ from: 2222, to: 2222 }], protocol: 'tcp' },
      {
        action: 'allow',
        direction: 'in',
        v6: false,
        toPorts: [{ from: 9999, to: 9999 }],
        protocol: 'tcp',
        iface: 'lo',
      },
      {
        action: 'allow',
        direction: 'in',
        v6: false,
        toPorts: [
          { from: 80, to: 80 },
          { from: 443, to: 443 },
        ],
        protocol: 'tcp',
        app: 'Nginx Full',
      },
      { action: 'allow', direction: 'in', v6: false, toPorts: [{ from: 8000, to: 8100 }], protocol: 'tcp' },
      {
        action: 'allow',
        direction: 'in',
        v6: false,
        toAddress: '10.0.0.5',
        fromAddress: '192.168.7.0/24',
        toPorts: [{ from: 4000, to: 4000 }],
        protocol: 'tcp',
        comment: 'app from office',
      },
      {
        action: 'allow',
        direction: 'in',
        v6: false,
        toPorts: [{ from: 4001, to: 4001 }],
        protocol: 'tcp',
        log: true,
      },
      { action: 'deny', direction: 'in', v6: false, fromAddress: '203.0.113.9' },
      { action: 'allow', direction: 'in', v6: false, toPorts: [{ from: 3001, to: 3001 }], protocol: 'udp' },
    ]);
  });

  it('marks IPv6 rows by "(v6)" and by IPv6 addresses, and reads OUT rules', () => {
    const rules = ufwStatus('status-verbose').rules;
    const row = (start: string) => rules.find((r) => r.raw.startsWith(start))!;
    expect(essence(row('80,443/tcp (Nginx Full (v6))'))).toMatchObject({
      v6: true,
      app: 'Nginx Full',
      protocol: 'tcp',
    });
    expect(essence(row('9999/tcp (v6) on lo'))).toMatchObject({ v6: true, iface: 'lo' });
    expect(essence(row('6379/tcp'))).toMatchObject({ v6: true, fromAddress: 'fd00::/8' });
    expect(essence(row('10.9.0.0/16 5432/tcp'))).toEqual({
      action: 'allow',
      direction: 'out',
      v6: false,
      toAddress: '10.9.0.0/16',
      toPorts: [{ from: 5432, to: 5432 }],
      protocol: 'tcp',
    });
    expect(row('22/tcp').raw).toBe('22/tcp                     ALLOW IN    Anywhere');
  });

  it('reads plain and numbered `ufw status`: no defaults, app profiles without ports are incomplete', () => {
    const plain = ufwStatus('status');
    expect(plain.defaults).toBeUndefined();
    const app = plain.rules.find((r) => r.app === 'Nginx Full')!;
    expect(app).toMatchObject({ incomplete: true, direction: 'in', v6: false });
    expect(app.toPorts).toBeUndefined();
    const numbered = ufwStatus('status-numbered');
    expect(numbered.rules).toHaveLength(24);
    expect(essence(numbered.rules[6]!)).toEqual({
      action: 'deny',
      direction: 'out',
      v6: false,
      toPorts: [{ from: 25, to: 25 }],
      protocol: 'tcp',
    });
    // Same rules in both listings, apart from their order (numbered follows ufw's insertion order).
    const key = (r: UfwRule) => JSON.stringify(essence(r));
    expect(numbered.rules.map(key).sort()).toEqual(plain.rules.map(key).sort());
  });

  it('errors on what is not ufw output and warns on rows it cannot read', () => {
    expect(parseUfwStatus('*filter\nCOMMIT').ok).toBe(false);
    const p = parseUfwStatus('Status: active\n\nTo   Action   From\n--   ------   ----\nnonsense here\n');
    expect(p).toEqual({
      ok: true,
      value: { active: true, rules: [] },
      warnings: ['line 5: not a rule row: nonsense here'],
    });
  });
});

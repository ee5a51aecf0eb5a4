import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInventory, type ParseInventoryOptions } from '../../../src/inventory/index.js';

const options: ParseInventoryOptions = {
  source: '/etc/ud/hosts.yml',
  baseDir: '/etc/ud',
  home: '/home/me',
  localUser: 'me',
};
const parse = (text: string) => parseInventory(text, options);
const errorsOf = (text: string) => {
  const result = parse(text);
  if (result.ok) throw new Error('expected errors');
  return result.error;
};

// The design's example, verbatim.
const DESIGN_EXAMPLE = `defaults: { user: deploy, port: 22, identityFile: ~/.ssh/id_ed25519, knownHosts: ~/.ssh/known_hosts, sudo: true }
hosts:
  web-01: { address: 10.0.1.10, tags: [web, prod] }
  app-01: { address: 10.0.2.20, jumpHost: bastion }
  bastion: { address: 203.0.113.5 }
`;

describe('parseInventory', () => {
  it("reads the design's example: defaults applied, ~ expanded, jump host resolved", () => {
    const result = parse(DESIGN_EXAMPLE);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [web, app, bastion] = result.value.hosts;
    expect(result.value.source).toBe('/etc/ud/hosts.yml');
    expect(web).toEqual({
      name: 'web-01',
      address: '10.0.1.10',
      port: 22,
      user: 'deploy',
      identityFile: '/home/me/.ssh/id_ed25519',
      knownHosts: '/home/me/.ssh/known_hosts',
      sudo: true,
      useAgent: false,
      tags: ['web', 'prod'],
    });
    expect(app!.jump).toBe(bastion);
    expect(bastion!.jump).toBeUndefined();
  });

  it('lets a host override every default, and uses built-in defaults when there are none', () => {
    const result = parse(`hosts:
  a: { address: a.example.com }
  b: { address: "2001:db8::1", port: 2222, user: root, identityFile: keys/b, knownHosts: /k, sudo: true, passphraseEnv: B_PASS, useAgent: true }
`);
    if (!result.ok) throw new Error(result.error.join('\n'));
    const [a, b] = result.value.hosts;
    expect(a).toEqual({
      name: 'a',
      address: 'a.example.com',
      port: 22,
      user: 'me',
      knownHosts: '/home/me/.ssh/known_hosts',
      sudo: false,
      useAgent: false,
      tags: [],
    });
    expect(b).toMatchObject({
      address: '2001:db8::1',
      port: 2222,
      user: 'root',
      identityFile: '/etc/ud/keys/b',
      knownHosts: '/k',
      sudo: true,
      passphraseEnv: 'B_PASS',
      useAgent: true,
    });
  });

  it('applies defaults.jumpHost to every host but the jump host itself; null opts a host out', () => {
    const result = parse(`defaults: { jumpHost: bastion }
hosts:
  bastion: { address: 203.0.113.5 }
  web-01: { address: 10.0.1.10 }
  direct: { address: 10.0.1.11, jumpHost: null }
  deep: { address: 10.9.0.1, jumpHost: web-01 }
`);
    if (!result.ok) throw new Error(result.error.join('\n'));
    const byName = Object.fromEntries(result.value.hosts.map((h) => [h.name, h]));
    expect(byName.bastion!.jump).toBeUndefined();
    expect(byName['web-01']!.jump?.name).toBe('bastion');
    expect(byName.direct!.jump).toBeUndefined();
    expect(byName.deep!.jump?.name).toBe('web-01');
    expect(byName.deep!.jump?.jump?.name).toBe('bastion');
  });

  it('names the key and the host in each error, one line each', () => {
    expect(
      errorsOf(`defaults: { prot: 22, sudo: yes }
hosts:
  web-01: { address: 10.0.1.300, port: 70000 }
  web-02: { address: "[::1]", adress: x, tags: web }
  web-03: { port: "22" }
  web-04: 5
`),
    ).toEqual([
      'defaults.sudo: expected true or false',
      'defaults.prot: unknown key (did you mean port?)',
      "hosts.web-01.address: '10.0.1.300' is not a valid IPv4 address",
      'hosts.web-01.port: expected a number from 1 to 65535',
      'hosts.web-02.address: write IPv6 addresses without brackets: ::1',
      'hosts.web-02.tags: expected a list of tags, e.g. [web, prod]',
      'hosts.web-02.adress: unknown key (did you mean address?)',
      'hosts.web-03.address: is required',
      'hosts.web-03.port: expected a number from 1 to 65535',
      'hosts.web-04: expected a mapping with at least `address:`',
    ]);
  });

  it('checks host names, jump hosts that do not exist, and jump cycles (reported once)', () => {
    expect(
      errorsOf(`hosts:
  "web 01": { address: 10.0.0.1 }
  a: { address: 10.0.0.2, jumpHost: b }
  b: { address: 10.0.0.3, jumpHost: c }
  c: { address: 10.0.0.4, jumpHost: a }
  d: { address: 10.0.0.5, jumpHost: d }
  e: { address: 10.0.0.6, jumpHost: nowhere }
`),
    ).toEqual([
      "hosts.web 01: invalid host name; use letters, digits, '.', '-' and '_'",
      'hosts.a.jumpHost: jump hosts form a cycle: a → b → c → a',
      'hosts.d.jumpHost: jump hosts form a cycle: d → d',
      "hosts.e.jumpHost: 'nowhere' is not a host in this inventory",
    ]);
    expect(errorsOf('defaults: { jumpHost: gone }\nhosts:\n  a: { address: 10.0.0.1 }\n')).toEqual([
      "defaults.jumpHost: 'gone' is not a host in this inventory",
    ]);
  });

  it('reports YAML syntax errors with file, line and column, in one line', () => {
    expect(errorsOf('hosts:\n  a: { address: 10.0.0.1\n')).toEqual([
      '/etc/ud/hosts.yml:3:1: Flow map in block collection must be sufficiently indented and end with a }',
    ]);
    expect(errorsOf('hosts:\n  a: { address: 10.0.0.1 }\n  a: { address: 10.0.0.2 }\n')).toEqual([
      '/etc/ud/hosts.yml:3:3: Map keys must be unique',
    ]);
    // Found by the property test below: yaml throws from toJS() on an alias without its anchor.
    expect(errorsOf('hosts: *nope\n')).toEqual([
      '/etc/ud/hosts.yml: Unresolved alias (the anchor must be set before the alias): nope',
    ]);
  });

  it('explains an empty file, a missing hosts mapping and an empty one', () => {
    expect(errorsOf('')).toEqual([
      '/etc/ud/hosts.yml: the inventory is empty; expected `hosts:` with at least one host',
    ]);
    expect(errorsOf('defaults: { user: x }\n')).toEqual(['hosts: is required']);
    expect(errorsOf('hosts: [web-01]\n')).toEqual(['hosts: expected a mapping of host names to hosts']);
    expect(errorsOf('hosts: {}\n')).toEqual(['hosts: expected at least one host']);
    expect(errorsOf('- a\n')).toEqual([
      '(top level): expected a mapping with `hosts:` (and optionally `defaults:`)',
    ]);
  });

  it('validates users, env var names and tags', () => {
    expect(
      errorsOf('hosts:\n  a: { address: h.example, user: "x y", passphraseEnv: "1X", tags: ["a b"] }\n'),
    ).toEqual([
      'hosts.a.user: expected a user name (letters, digits, _ . -)',
      'hosts.a.passphraseEnv: expected an environment variable name (letters, digits, _)',
      'hosts.a.tags.0: expected a tag (letters, digits, . - _)',
    ]);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const result = parse(text);
        if (!result.ok) for (const error of result.error) expect(error).not.toContain('\n');
      }),
    );
    const pieces = fc.constantFrom(
      'hosts:',
      'defaults:',
      '\n  ',
      'a: ',
      '{ address: 10.0.0.1 }',
      'jumpHost: a',
      'port: ',
      '99999',
      'tags: [x]',
      ', ',
      '{',
      '}',
      '[',
      ']',
      'null',
      '~',
    );
    fc.assert(fc.property(fc.array(pieces, { maxLength: 30 }), (parts) => void parse(parts.join(''))));
  });
});

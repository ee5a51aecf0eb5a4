import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseGetsebool, parseSelinux } from '../../../src/parsers/selinux.js';
import { anyText, tool } from './fixtures.js';

const out = (name: string) => tool(`selinux/${name}.stdout`);
const err = (name: string) => tool(`selinux/${name}.stderr`);

describe('parseSelinux', () => {
  it('SELinux disabled (recorded: Debian 12 with selinux-utils)', () => {
    expect(out('getenforce-disabled')).toBe('Disabled\n');
    expect(err('getsebool-disabled')).toBe('getsebool:  SELinux is disabled\n');
    const state = parseSelinux(
      out('getenforce-disabled'),
      out('getsebool-disabled') + err('getsebool-disabled'),
    );
    expect(state).toEqual({
      mode: 'disabled',
      booleans: {},
      raw: 'Disabled\n\ngetsebool:  SELinux is disabled\n',
    });
  });

  it('SELinux tools not installed (recorded: bash and dash saying so)', () => {
    for (const name of ['getenforce-absent-bash', 'getenforce-absent-sh']) {
      expect(tool(`selinux/${name}.exit`).trim()).toBe('127');
      expect(parseSelinux(out(name), out('getsebool-absent-bash')).mode).toBe('absent');
      expect(parseSelinux(out(name) + err(name)).mode).toBe('absent');
    }
  });

  // Not recordable here (no SELinux kernel): the format of libselinux's getenforce.c and getsebool.c
  // (SELinuxProject/selinux: puts("Enforcing"), printf("%s --> %s\n"), printf("%s --> %s pending: %s\n")).
  it('enforcing, with the boolean off (upstream format)', () => {
    const state = parseSelinux('Enforcing\n', 'httpd_can_network_connect --> off\n');
    expect(state.mode).toBe('enforcing');
    expect(state.booleans).toEqual({ httpd_can_network_connect: false });
  });

  it('permissive with the boolean on; a pending change keeps the active value', () => {
    expect(parseSelinux('Permissive\n', 'httpd_can_network_connect --> on\n').booleans).toEqual({
      httpd_can_network_connect: true,
    });
    expect(
      parseGetsebool('httpd_can_network_connect --> off pending: on\nhttpd_can_network_relay --> on\n'),
    ).toEqual({
      httpd_can_network_connect: false,
      httpd_can_network_relay: true,
    });
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        expect(['enforcing', 'permissive', 'disabled', 'absent']).toContain(parseSelinux(a, b).mode);
      }),
      { numRuns: 500 },
    );
  });
});

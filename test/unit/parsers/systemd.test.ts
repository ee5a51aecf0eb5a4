import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { execStartCommand, parseSystemctlShow, systemctlUnavailable } from '../../../src/parsers/systemd.js';
import { anyText, tool } from './fixtures.js';

// Recorded from a real systemd 252 user manager (this machine's PID 1 is not systemd), with Debian's own
// nginx.service and php8.2-fpm.service installed as user units: see record-systemd.sh.
describe('parseSystemctlShow (systemctl show -p …, recorded)', () => {
  const units = parseSystemctlShow(tool('systemd/user-show-all.stdout'));
  const unit = (id: string) => units.find((u) => u.unit === id)!;

  it('reads one state per unit, in the order asked', () => {
    expect(units.map((u) => u.unit)).toEqual([
      'nginx.service',
      'php8.2-fpm.service',
      'shop-app.service',
      'worker.service',
      'gunicorn.service',
      'legacy.service',
      'nonexistent.service',
    ]);
  });

  it('a running service: states, main pid, start time, unit file, command', () => {
    const nginx = unit('nginx.service');
    expect(nginx).toMatchObject({
      loadState: 'loaded',
      activeState: 'active',
      subState: 'running',
      mainPid: 61,
      activeEnterTimestamp: 'Mon 2026-11-23 16:15:23 UTC',
      fragmentPath: '/etc/xdg/systemd/user/nginx.service',
      result: 'success',
    });
    expect(execStartCommand(nginx.execStart!)).toBe('/usr/sbin/nginx -g daemon on; master_process on;');
    expect(nginx.raw.split('\n')).toHaveLength(9);
  });

  it('failed, crash-looping, stopped, masked and absent units', () => {
    expect(unit('shop-app.service')).toMatchObject({
      activeState: 'failed',
      subState: 'failed',
      mainPid: 0,
      result: 'exit-code',
    });
    expect(unit('worker.service')).toMatchObject({
      activeState: 'activating',
      subState: 'auto-restart',
      result: 'exit-code',
    });
    const stopped = unit('gunicorn.service');
    expect(stopped).toMatchObject({ activeState: 'inactive', subState: 'dead' });
    expect(stopped.activeEnterTimestamp).toBeUndefined();
    const masked = unit('legacy.service');
    expect(masked.loadState).toBe('masked');
    expect(masked.execStart).toBeUndefined();
    const absent = unit('nonexistent.service');
    expect(absent).toMatchObject({ loadState: 'not-found', activeState: 'inactive', mainPid: 0 });
    expect(absent.fragmentPath).toBeUndefined();
  });

  it('nginx after a restart that failed nginx -t', () => {
    expect(parseSystemctlShow(tool('systemd/user-show-nginx-failed.stdout'))).toEqual([
      expect.objectContaining({
        unit: 'nginx.service',
        activeState: 'failed',
        result: 'exit-code',
        mainPid: 0,
      }),
    ]);
  });

  it('reads the full property dump (no -p) of one unit', () => {
    const [nginx] = parseSystemctlShow(tool('systemd/user-show-nginx-full.stdout'));
    expect(nginx).toMatchObject({ unit: 'nginx.service', subState: 'running', mainPid: 61 });
  });

  it('says why systemctl could not answer on this machine (not booted with systemd)', () => {
    expect(parseSystemctlShow(tool('systemd/no-systemd.stdout'))).toEqual([]);
    expect(tool('systemd/no-systemd.exit').trim()).toBe('1');
    expect(systemctlUnavailable(tool('systemd/no-systemd.stderr'))).toBe(
      "System has not been booted with systemd as init system (PID 1). Can't operate.",
    );
    expect(systemctlUnavailable('bash: line 1: systemctl: command not found')).toBeDefined();
    expect(systemctlUnavailable(tool('systemd/user-show-all.stderr'))).toBeUndefined();
  });

  it('keeps an ExecStart it cannot read as printed', () => {
    expect(execStartCommand('/bin/true')).toBe('/bin/true');
  });

  it('never throws on random input', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        for (const s of parseSystemctlShow(text)) expect(s.unit.length).toBeGreaterThan(0);
        systemctlUnavailable(text);
        execStartCommand(text);
      }),
      { numRuns: 500 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { CappedBuffer, explainFailure, prepareCommand } from '../../../src/transport/command.js';
import { Slots } from '../../../src/transport/slots.js';

describe('prepareCommand', () => {
  const nginxT = { id: 'nginx-T', argv: ['nginx', '-T'], privileged: true };

  it('puts sudo -n -- in front of privileged commands when the host uses sudo and we are not root', () => {
    expect(prepareCommand(nginxT, { sudo: true, root: false })).toEqual({
      argv: ['sudo', '-n', '--', 'nginx', '-T'],
      sudo: true,
    });
    expect(prepareCommand(nginxT, { sudo: true, root: true })).toEqual({
      argv: ['nginx', '-T'],
      sudo: false,
    });
    expect(prepareCommand(nginxT, { sudo: false, root: false })).toEqual({
      argv: ['nginx', '-T'],
      sudo: false,
    });
    expect(prepareCommand({ id: 'ss', argv: ['ss', '-Htln'] }, { sudo: true, root: false })).toEqual({
      argv: ['ss', '-Htln'],
      sudo: false,
    });
  });

  it('runs runAs commands as that user: runuser as root, sudo -u otherwise, an error without either', () => {
    const probe = { id: 'probe', argv: ['perl', '-e', '1'], runAs: 'www-data' };
    expect(prepareCommand(probe, { sudo: false, root: true }).argv).toEqual([
      'runuser',
      '-u',
      'www-data',
      '--',
      'perl',
      '-e',
      '1',
    ]);
    expect(prepareCommand(probe, { sudo: true, root: false })).toEqual({
      argv: ['sudo', '-n', '-u', 'www-data', '--', 'perl', '-e', '1'],
      sudo: true,
    });
    expect(prepareCommand(probe, { sudo: false, root: false }).problem).toBe(
      'cannot run as www-data: not root, and sudo is off for this host',
    );
  });
});

describe('explainFailure', () => {
  const sudo = { argv: ['sudo', '-n', '--', 'nginx', '-T'], sudo: true };
  const bare = { argv: ['nginx', '-T'], sudo: false };

  it('turns sudo asking for a password into the fix', () => {
    expect(
      explainFailure({ exitCode: 1, stderr: 'sudo: a password is required\n' }, sudo, 'deploy', 'nginx'),
    ).toBe('sudo requires a password for deploy: add the sudoers rule from the README');
  });

  it('explains sudo refusing the user, sudo missing, and the program missing', () => {
    expect(
      explainFailure(
        {
          exitCode: 1,
          stderr: 'Sorry, user deploy is not allowed to execute /usr/sbin/nginx -T as root on web-01.\n',
        },
        sudo,
        'deploy',
        'nginx',
      ),
    ).toBe('sudo refuses deploy for nginx: add the sudoers rule from the README');
    expect(
      explainFailure(
        { exitCode: 1, stderr: 'deploy is not in the sudoers file.  This incident will be reported.\n' },
        sudo,
        'deploy',
        'nginx',
      ),
    ).toBe('sudo refuses deploy for nginx: add the sudoers rule from the README');
    expect(
      explainFailure(
        { exitCode: 1, stderr: 'sudo: deploy is not in the sudoers file.\n' },
        sudo,
        'deploy',
        'nginx',
      ),
    ).toBe('sudo refuses deploy for nginx: add the sudoers rule from the README');
    expect(
      explainFailure({ exitCode: 127, stderr: 'sh: 1: exec: sudo: not found\n' }, sudo, 'deploy', 'nginx'),
    ).toBe('sudo is not installed on the host');
    expect(
      explainFailure({ exitCode: 127, stderr: 'sh: 1: exec: nginx: not found\n' }, bare, 'deploy', 'nginx'),
    ).toBe('command not found: nginx');
    // Over SSH commands run under timeout(1), which words it differently.
    const viaTimeout = (name: string) =>
      `timeout: failed to run command '${name}': No such file or directory\n`;
    expect(explainFailure({ exitCode: 127, stderr: viaTimeout('nginx') }, bare, 'deploy', 'nginx')).toBe(
      'command not found: nginx',
    );
    expect(explainFailure({ exitCode: 127, stderr: viaTimeout('sudo') }, sudo, 'deploy', 'nginx')).toBe(
      'sudo is not installed on the host',
    );
  });

  it('leaves ordinary failures to their exit code', () => {
    expect(
      explainFailure(
        { exitCode: 1, stderr: 'nginx: [emerg] unknown directive "proxy_pas"\n' },
        sudo,
        'deploy',
        'nginx',
      ),
    ).toBeUndefined();
    expect(
      explainFailure({ exitCode: 1, stderr: 'sudo: a password is required\n' }, bare, 'deploy', 'nginx'),
    ).toBeUndefined();
  });
});

describe('CappedBuffer', () => {
  it('keeps the first N bytes and says when more came', () => {
    const buffer = new CappedBuffer(5);
    expect(buffer.push(Buffer.from('abc'))).toBe(true);
    expect(buffer.push(Buffer.from('de'))).toBe(true);
    expect(buffer.truncated).toBe(false);
    expect(buffer.push(Buffer.from('f'))).toBe(false);
    expect(buffer.text()).toBe('abcde');
    expect(buffer.truncated).toBe(true);
  });

  it('decodes once over all chunks: a character split between chunks comes out whole', () => {
    const buffer = new CappedBuffer(100);
    const bytes = Buffer.from('nginx✓ü');
    for (const b of bytes) buffer.push(Buffer.from([b]));
    expect(buffer.text()).toBe('nginx✓ü');
    expect(buffer.bytes().equals(bytes)).toBe(true);
  });

  it('bytes that are not UTF-8 become U+FFFD in the text and stay as they are in bytes()', () => {
    const buffer = new CappedBuffer(100);
    buffer.push(Buffer.from([0x61, 0xc3, 0x0a, 0xff]));
    expect(buffer.text()).toBe('a\ufffd\n\ufffd');
    expect([...buffer.bytes()]).toEqual([0x61, 0xc3, 0x0a, 0xff]);
  });
});

describe('Slots', () => {
  it('lets at most N holders in at once, in arrival order, and can shrink', async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    const a = await slots.acquire();
    const b = await slots.acquire();
    const c = slots.acquire().then((release) => (order.push('c'), release));
    const d = slots.acquire().then((release) => (order.push('d'), release));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(slots.inUse).toBe(2);
    a();
    a(); // a second release of the same slot changes nothing
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(slots.inUse).toBe(2);
    slots.shrinkTo(1);
    b();
    await Promise.resolve();
    expect(order).toEqual(['c']); // one holder (c) is already the new limit
    releaseC();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect(slots.inUse).toBe(0);
    expect(slots.size).toBe(1);
    expect(() => new Slots(0)).toThrow(RangeError);
  });
});

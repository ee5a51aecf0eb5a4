// parseRealpaths over what REALPATH_SCRIPT really prints: the script is run here by the machine's sh on a
// tree of symlinks made for the test (a path with a newline in it too), not written from memory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  REALPATH_ARGV0,
  REALPATH_SCRIPT,
  SOCKET_PATHS_ARGV0,
  SOCKET_PATHS_SCRIPT,
  realpathCommand,
} from '../../../src/collect/commands.js';
import { parseRealpaths } from '../../../src/parsers/host-basics.js';

const root = realpathSync(mkdtempSync(join(tmpdir(), 'ud-realpath-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function run(paths: string[], script = REALPATH_SCRIPT, argv0 = REALPATH_ARGV0): string {
  return execFileSync('sh', ['-c', script, argv0, ...paths], { encoding: 'utf8' });
}

describe('realpath', () => {
  mkdirSync(join(root, 'run/php'), { recursive: true });
  writeFileSync(join(root, 'run/php/php8.2-fpm.sock'), '');
  symlinkSync(join(root, 'run'), join(root, 'varrun'));
  symlinkSync('php8.2-fpm.sock', join(root, 'run/php/php-fpm.sock'));
  writeFileSync(join(root, 'odd\nname'), '');
  // Debian's alternatives link after an upgrade: it still names the previous PHP's socket, which is gone.
  mkdirSync(join(root, 'etc/alternatives'), { recursive: true });
  symlinkSync(join(root, 'run/php/php7.4-fpm.sock'), join(root, 'etc/alternatives/php-fpm.sock'));
  symlinkSync(join(root, 'etc/alternatives/php-fpm.sock'), join(root, 'run/php/php-old.sock'));

  it('resolves symlinked directories and files, and says nothing of a missing path', () => {
    const asked = [
      join(root, 'varrun/php/php-fpm.sock'),
      join(root, 'missing'),
      join(root, 'odd\nname'),
      join(root, 'run'),
    ];
    const got = parseRealpaths(run(asked));
    expect([...got]).toEqual([
      [asked[0], join(root, 'run/php/php8.2-fpm.sock')],
      [asked[2], join(root, 'odd\nname')],
      [asked[3], join(root, 'run')],
    ]);
  });

  it('says where a link to a missing socket leads when asked for socket paths (readlink -f)', () => {
    const asked = [
      join(root, 'varrun/php/php-old.sock'),
      join(root, 'varrun/php/php-fpm.sock'),
      join(root, 'nodir/x.sock'),
    ];
    expect([...parseRealpaths(run(asked))]).toEqual([[asked[1], join(root, 'run/php/php8.2-fpm.sock')]]);
    expect([...parseRealpaths(run(asked, SOCKET_PATHS_SCRIPT, SOCKET_PATHS_ARGV0))]).toEqual([
      [asked[0], join(root, 'run/php/php7.4-fpm.sock')],
      [asked[1], join(root, 'run/php/php8.2-fpm.sock')],
    ]);
  });

  it('reads nothing from an answer cut short', () => {
    const text = run([join(root, 'run'), join(root, 'varrun')]);
    const cut = text.slice(0, text.length - 3);
    expect([...parseRealpaths(cut)]).toEqual([[join(root, 'run'), join(root, 'run')]]);
  });

  it('is one privileged command whose paths are arguments', () => {
    const spec = realpathCommand(['/etc/nginx/nginx.conf', '/x; rm -rf /']);
    expect(spec.privileged).toBe(true);
    expect(spec.argv.slice(0, 4)).toEqual(['sh', '-c', REALPATH_SCRIPT, REALPATH_ARGV0]);
    expect(spec.argv.slice(4)).toEqual(['/etc/nginx/nginx.conf', '/x; rm -rf /']);
  });
});

// Sockets named through symlinks (issue 14, class 1), over the snapshots recorded from the lab's symlink
// scenarios (lab/scenarios/symlinks.ts): the host's real-path answers are what make a served socket
// served, and without them the same snapshot is the false alarm the issue reported. Evidence names both
// the config's name and the real path.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { HostSnapshot } from '../../../src/model/types.js';
import { reportOf } from '../../../src/analyze/report.js';
import { readSnapshot } from '../../../src/read/snapshot.js';
import { realSocketPath, socketNames, unixListenersAt } from '../../../src/analyze/socket-paths.js';

const recorded = (id: string) =>
  (
    JSON.parse(readFileSync(new URL(`../../fixtures/snapshots/${id}.json`, import.meta.url), 'utf8')) as {
      snapshot: HostSnapshot;
    }
  ).snapshot;

/** The same snapshot as a host that could not resolve paths would give (the answers dropped). */
function unresolved(snapshot: HostSnapshot): HostSnapshot {
  const results = { ...snapshot.results };
  delete results['socket-paths'];
  delete results['listener-paths'];
  return { ...snapshot, results };
}

const critical = (snapshot: HostSnapshot) =>
  reportOf(snapshot).findings.filter((f) => f.severity === 'critical');

describe('sockets named through symlinks', () => {
  it('finds php-fpm behind /var/run and the alternatives link, where the bare name found nothing', () => {
    const snapshot = recorded('php-fpm-symlinked-socket');
    const facts = readSnapshot(snapshot);
    expect(realSocketPath(facts, '/var/run/php/php-fpm.sock')).toBe('/run/php/php8.2-fpm.sock');
    expect(unixListenersAt(facts, '/var/run/php/php-fpm.sock').map((l) => l.path)).toEqual([
      '/run/php/php8.2-fpm.sock',
    ]);
    expect(critical(snapshot)).toEqual([]);
    expect(critical(unresolved(snapshot)).map((f) => f.title)).toEqual([
      '/var/run/php/php-fpm.sock exists, but nothing listens on it',
    ]);
  });

  it('finds a listener ss names by the symlinked path its backend bound', () => {
    const snapshot = recorded('php-fpm-bound-through-symlink');
    const facts = readSnapshot(snapshot);
    expect(unixListenersAt(facts, '/run/php/php8.2-fpm.sock').map((l) => l.path)).toEqual([
      '/var/run/php/php8.2-fpm.sock',
    ]);
    expect(critical(snapshot)).toEqual([]);
    expect(critical(unresolved(snapshot)).map((f) => f.cause)).toEqual(['upstream-not-listening']);
  });

  it('names both paths of a link to a socket that is gone, and points nginx at the one that listens', () => {
    const snapshot = recorded('php-fpm-stale-alternative');
    const facts = readSnapshot(snapshot);
    expect(socketNames(facts, '/var/run/php/php-fpm.sock')).toBe(
      '/var/run/php/php-fpm.sock → /run/php/php7.4-fpm.sock',
    );
    const [root] = critical(snapshot);
    expect(root?.cause).toBe('unix-socket-missing');
    expect(root?.title).toBe(
      'nginx connects to /var/run/php/php-fpm.sock → /run/php/php7.4-fpm.sock, but the socket is /run/php/php8.2-fpm.sock',
    );
    expect(root?.detail).toContain(
      '/var/run/php/php-fpm.sock leads to /run/php/php7.4-fpm.sock, which does not exist',
    );
    expect(root?.evidence).toContainEqual({
      source: 'readlink -f',
      text: '/var/run/php/php-fpm.sock resolves to /run/php/php7.4-fpm.sock',
    });
    expect(root?.fix?.edit?.after).toBe('        fastcgi_pass unix:/run/php/php8.2-fpm.sock;');
  });

  it('leaves a path that is its own real path as it was', () => {
    const facts = readSnapshot(recorded('unix-socket-missing'));
    expect(socketNames(facts, '/run/shop/shop.socket')).toBe('/run/shop/shop.socket');
    expect(realSocketPath(facts, '/run/shop/shop.sock')).toBe('/run/shop/shop.sock');
  });
});

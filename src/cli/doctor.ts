// `upstream-doctor doctor [--inventory FILE]`: checks this installation's own set-up and says what to fix, one
// line per check: Redis, the Slack settings and token (auth.test, when a token is set), the inventory, and for
// every host SSH (host key verified, key login) and the privileges the diagnosis and the apply need. Exit 0 when nothing
// failed, 1 otherwise (2: called wrongly).
import { type CheckResult, exitCodeOfChecks, failed, formatResults, ok } from '../doctor/check.js';
import { checkHosts } from '../doctor/hosts.js';
import { checkRedis } from '../doctor/redis.js';
import { checkSlack } from '../doctor/slack.js';
import { loadInventory, locateInventory } from '../inventory/index.js';
import { type CliIo, inventoryOption } from './io.js';

export const DOCTOR_USAGE = `usage: upstream-doctor doctor [--inventory FILE]

Checks the set-up and prints one line per check (ok, FAIL or skip) with what to fix:
  redis          REDIS_URL answers, with maxmemory-policy noeviction (the bot and workers need it)
  slack          when SLACK_BOT_TOKEN is set: the bot's settings complete, the token accepted by Slack
                 (auth.test), and SLACK_APP_TOKEN's Socket Mode access (apps.connections.open) when set
  inventory      hosts.yml (--inventory, else $UPSTREAM_DOCTOR_INVENTORY, else ./hosts.yml) is valid
  ssh HOST       every host: connected, host key verified against known_hosts, key login works
  sudo HOST      every host: the diagnosis's privileged commands run (root, or sudo -n without a password)
  apply HOST     every host: sudo allows what applying and testing a fix run (skipped with REMEDIATION=off)

Exit code: 0 nothing failed, 1 something to fix.`;

export async function doctor(args: string[], io: CliIo): Promise<number> {
  const values = inventoryOption(args, DOCTOR_USAGE, io);
  if (!values) return 0;
  const results: CheckResult[] = [];
  const show = (batch: CheckResult[]): void => {
    results.push(...batch);
  };
  const [redis, slack] = await Promise.all([checkRedis(io.env), checkSlack(io.env)]);
  show([redis, ...slack]);

  const location = locateInventory({ path: values.inventory, env: io.env });
  const loaded = await loadInventory({ path: values.inventory, env: io.env });
  if (!loaded.ok) {
    show(
      loaded.error.map((e) =>
        failed(
          'inventory',
          e,
          'write hosts.yml as the README\'s "Inventory" section shows, or point --inventory / UPSTREAM_DOCTOR_INVENTORY at it',
        ),
      ),
    );
  } else {
    const hosts = loaded.value.hosts;
    show([ok('inventory', `${location.path}: ${hosts.length} host${hosts.length === 1 ? '' : 's'}`)]);
    show(await checkHosts(loaded.value, { env: io.env, remediation: io.env.REMEDIATION !== 'off' }));
  }
  io.stdout.write(`${formatResults(results)}\n`);
  const failures = results.filter((r) => r.status === 'FAIL').length;
  io.stdout.write(
    failures === 0 ? 'all checks passed\n' : `${failures} check${failures === 1 ? '' : 's'} failed\n`,
  );
  return exitCodeOfChecks(results);
}

import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InventoryCache } from '../../../src/slack/inventory-cache.js';
import { botSettingsFrom } from '../../../src/slack/settings.js';

const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' };

describe('botSettingsFrom', () => {
  it('HTTP mode with defaults', () => {
    const r = botSettingsFrom(base);
    expect(r).toMatchObject({
      ok: true,
      value: {
        mode: 'http',
        PORT: 3000,
        CHANNEL_HOSTS: null,
        LOG_LEVEL: 'info',
      },
    });
  });

  it('Socket Mode when SLACK_APP_TOKEN is set (no signing secret needed)', () => {
    expect(botSettingsFrom({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toMatchObject({
      ok: true,
      value: { mode: 'socket' },
    });
  });

  it('one line naming the missing or bad setting', () => {
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{}, /^SLACK_BOT_TOKEN: is required \(the Bot User OAuth Token, xoxb-…\)$/],
      [{ SLACK_BOT_TOKEN: '  ' }, /^SLACK_BOT_TOKEN: is required/],
      [{ SLACK_BOT_TOKEN: 'xoxp-user' }, /^SLACK_BOT_TOKEN: expected a bot token/],
      [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^SLACK_SIGNING_SECRET: is required in HTTP mode/],
      [{ ...base, SLACK_APP_TOKEN: 'xoxb-2' }, /^SLACK_APP_TOKEN: expected an app-level token/],
      [{ ...base, PORT: 'eighty' }, /^PORT: expected a port/],
      [{ ...base, PORT: '70000' }, /^PORT: expected a port/],
      [{ ...base, SLACK_API_URL: 'not a url' }, /^SLACK_API_URL: expected a URL/],
      [{ ...base, SLACK_API_URL: 'ftp://x/' }, /^SLACK_API_URL: expected an http/],
      [{ ...base, CHANNEL_HOSTS: 'general=web-01' }, /^CHANNEL_HOSTS: expected a channel id/],
      [{ ...base, LOG_LEVEL: 'loud' }, /^LOG_LEVEL: expected one of/],
    ];
    for (const [env, expected] of cases) {
      const r = botSettingsFrom(env);
      expect(r.ok, JSON.stringify(env)).toBe(false);
      const error = (r as { error: string }).error;
      expect(error).toMatch(expected);
      expect(error).not.toContain('\n');
    }
  });

  it('SLACK_API_URL gets the trailing slash WebClient needs; PORT 0 means any', () => {
    expect(botSettingsFrom({ ...base, SLACK_API_URL: 'http://127.0.0.1:9/api', PORT: '0' })).toMatchObject({
      ok: true,
      value: { SLACK_API_URL: 'http://127.0.0.1:9/api/', PORT: 0 },
    });
  });
});

describe('the alert settings', () => {
  const token = '0123456789abcdef0123';
  it('are off by default; the host label is instance', () => {
    const r = botSettingsFrom(base);
    expect(r.ok && [r.value.ALERT_WEBHOOK_TOKEN, r.value.ALERT_CHANNEL, r.value.ALERT_HOST_LABEL]).toEqual([
      undefined,
      undefined,
      'instance',
    ]);
  });

  it('take a token with its channel, and another host label', () => {
    expect(
      botSettingsFrom({
        ...base,
        ALERT_WEBHOOK_TOKEN: token,
        ALERT_CHANNEL: 'C0ALERTS',
        ALERT_HOST_LABEL: 'node',
      }),
    ).toMatchObject({
      ok: true,
      value: { ALERT_WEBHOOK_TOKEN: token, ALERT_CHANNEL: 'C0ALERTS', ALERT_HOST_LABEL: 'node' },
    });
  });

  it.each([
    [{ ALERT_WEBHOOK_TOKEN: token }, 'ALERT_CHANNEL: is required with ALERT_WEBHOOK_TOKEN'],
    [{ ALERT_CHANNEL: 'C0ALERTS' }, 'ALERT_WEBHOOK_TOKEN: is required with ALERT_CHANNEL'],
    [
      { ALERT_WEBHOOK_TOKEN: 'short', ALERT_CHANNEL: 'C0ALERTS' },
      'ALERT_WEBHOOK_TOKEN: expected at least 16',
    ],
    [{ ALERT_WEBHOOK_TOKEN: token, ALERT_CHANNEL: '#alerts' }, 'ALERT_CHANNEL: expected a channel id'],
    [{ ALERT_HOST_LABEL: 'in-stance' }, 'ALERT_HOST_LABEL: expected a Prometheus label name'],
  ])('%o is one line naming the setting', (env, line) => {
    const r = botSettingsFrom({ ...base, ...env });
    expect(r.ok ? '' : r.error).toMatch(new RegExp(`^${line}`));
  });
});

describe('InventoryCache', () => {
  it('reads once, re-reads when the file changes, explains a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hG-inv-'));
    try {
      const path = join(dir, 'hosts.yml');
      writeFileSync(path, 'hosts:\n  web-01: { address: 10.0.0.1 }\n');
      const cache = new InventoryCache({ path });
      const first = await cache.current();
      expect(first.ok && first.value.hosts.map((h) => h.name)).toEqual(['web-01']);
      expect(await cache.current()).toBe(first);
      writeFileSync(path, 'hosts:\n  web-01: { address: 10.0.0.1 }\n  web-02: { address: 10.0.0.2 }\n');
      utimesSync(path, new Date(), new Date(Date.now() + 5000));
      const second = await cache.current();
      expect(second.ok && second.value.hosts.map((h) => h.name)).toEqual(['web-01', 'web-02']);
      rmSync(path);
      const gone = await cache.current();
      expect(gone.ok).toBe(false);
      expect(!gone.ok && gone.error[0]).toContain('not found');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

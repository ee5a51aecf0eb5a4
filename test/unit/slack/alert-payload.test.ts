// The pure side of the alert webhooks: Alertmanager's payload and the generic one checked with zod (a bad
// one is one line naming the field), alerts turned into events with bounded text, the host label turned
// into an inventory host (by name, then address; a port dropped), and the requester an alert is shown as.
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../../src/inventory/index.js';
import { isUserId } from '../../../src/slack/mrkdwn.js';
import {
  ALERT_TEXT,
  alertmanagerEvents,
  alertmanagerPayloadSchema,
  alertRequester,
  genericAlertSchema,
  genericEvent,
  hostOfLabel,
  matchAlertHost,
  parseAlertBody,
} from '../../../src/slack/alert-payload.js';
import { alertmanagerBody } from '../../support/alertmanager.js';

const inventory = parseInventory(
  `
hosts:
  web-01: { address: 10.0.0.11 }
  web-02: { address: 10.0.0.12 }
  v6-01: { address: "2001:db8::1" }
  twin-a: { address: 10.0.0.50 }
  twin-b: { address: 10.0.0.50 }
`,
  { source: '<test>', baseDir: '/', home: '/root', localUser: 'root' },
);
if (!inventory.ok) throw new Error(inventory.error.join('\n'));
const hosts = inventory.value.hosts;

const body = (value: unknown) => Buffer.from(JSON.stringify(value));
const firing = {
  status: 'firing' as const,
  alertname: 'Nginx502',
  instance: 'web-01:9113',
  summary: 'web-01 answers 502',
  fingerprint: '1a30ba71cca2921f',
};

describe("Alertmanager's payload", () => {
  it('takes the documented format and makes one event per alert', () => {
    const parsed = parseAlertBody(
      alertmanagerPayloadSchema,
      body(alertmanagerBody([firing, { ...firing, status: 'resolved', fingerprint: 'bc97ff14869b13e3' }])),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(alertmanagerEvents(parsed.value, 'instance')).toEqual([
      {
        fingerprint: '1a30ba71cca2921f',
        status: 'firing',
        name: 'Nginx502',
        summary: 'web-01 answers 502',
        since: '2026-12-03T09:41:26.739Z',
        host: 'web-01:9113',
      },
      expect.objectContaining({ fingerprint: 'bc97ff14869b13e3', status: 'resolved' }),
    ]);
  });

  it.each([
    ['not JSON', Buffer.from('{"version": "4",'), /^the body is not JSON/],
    ['another version', body({ ...alertmanagerBody([firing]), version: '3' }), /^version: expected "4"/],
    ['no alerts', body({ version: '4', status: 'firing' }), /^alerts: expected a list of alerts/],
    [
      'a label that is not a string',
      body({
        ...alertmanagerBody([firing]),
        alerts: [{ ...(alertmanagerBody([firing]).alerts as object[])[0], labels: { instance: 5 } }],
      }),
      /^alerts\.0\.labels\.instance: expected labels whose values are strings/,
    ],
    [
      'a fingerprint that could be a key path',
      body({ ...alertmanagerBody([{ ...firing, fingerprint: '../x:y' }]) }),
      /^alerts\.0\.fingerprint: expected a fingerprint/,
    ],
    [
      'a bad time',
      body({ ...alertmanagerBody([{ ...firing, startsAt: 'yesterday' }]) }),
      /^alerts\.0\.startsAt: expected an RFC 3339 time/,
    ],
    ['a list', body([1, 2]), /expected object/],
  ])('refuses %s with the reason', (_what, raw, reason) => {
    const parsed = parseAlertBody(alertmanagerPayloadSchema, raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(reason);
  });

  it('bounds the text it keeps, in one line; no alertname reads as "alert"; other host labels work', () => {
    const long = alertmanagerBody([{ ...firing, alertname: 'A\n'.repeat(500), summary: 'x'.repeat(5000) }]);
    const alert = (long.alerts as { labels: Record<string, string> }[])[0]!;
    alert.labels.node = 'web-02';
    const parsed = parseAlertBody(alertmanagerPayloadSchema, body(long));
    if (!parsed.ok) throw new Error(parsed.error);
    const [event] = alertmanagerEvents(parsed.value, 'node');
    expect([...event!.name].length).toBeLessThanOrEqual(ALERT_TEXT.name);
    expect(event!.name).not.toContain('\n');
    expect([...event!.summary].length).toBe(ALERT_TEXT.summary);
    expect(event!.host).toBe('web-02');
    delete alert.labels.alertname;
    const unnamed = parseAlertBody(alertmanagerPayloadSchema, body(long));
    if (!unnamed.ok) throw new Error(unnamed.error);
    const [nameless] = alertmanagerEvents(unnamed.value, 'nope');
    expect(nameless!.name).toBe('alert');
    expect(nameless!.host).toBeUndefined();
  });
});

describe('the generic payload', () => {
  it('needs a host and a summary; the same pair is the same alert, an id names it', () => {
    const now = new Date('2026-12-03T10:00:00Z');
    const parse = (v: unknown) => parseAlertBody(genericAlertSchema, body(v));
    const a = parse({ host: 'web-01', summary: 'down' });
    if (!a.ok) throw new Error(a.error);
    const event = genericEvent(a.value, now);
    expect(event).toMatchObject({
      status: 'firing',
      name: 'webhook',
      host: 'web-01',
      since: now.toISOString(),
    });
    expect(genericEvent(a.value, new Date()).fingerprint).toBe(event.fingerprint);
    const b = parse({ host: 'web-01', summary: 'other' });
    expect(b.ok && genericEvent(b.value, now).fingerprint).not.toBe(event.fingerprint);
    const named = parse({
      host: 'web-01',
      summary: 'down',
      id: 'PD-123',
      status: 'resolved',
      name: 'PagerDuty',
    });
    expect(named.ok && genericEvent(named.value, now)).toMatchObject({
      fingerprint: 'generic-PD-123', // never the same key as an Alertmanager fingerprint
      status: 'resolved',
      name: 'PagerDuty',
    });
    const noHost = parse({ summary: 'down' });
    expect(noHost.ok ? '' : noHost.error).toMatch(/^host: expected the host/);
    const badStatus = parse({ host: 'web-01', summary: '', status: 'maybe' });
    expect(badStatus.ok ? '' : badStatus.error).toMatch(/^status: expected 'firing' or 'resolved'/);
  });
});

describe('the host label → an inventory host', () => {
  it.each([
    ['web-01:9100', 'web-01'],
    ['10.0.0.5:9100', '10.0.0.5'],
    ['[2001:db8::1]:9100', '2001:db8::1'],
    ['2001:db8::1', '2001:db8::1'],
    ['https://web-01.example/health', 'web-01.example'],
    ['web-01', 'web-01'],
  ])('%s names %s', (label, host) => expect(hostOfLabel(label)).toBe(host));

  it('matches names first, then addresses; ambiguous and unknown ones name no host', () => {
    const name = (label: string) => {
      const m = matchAlertHost(hosts, label);
      return m.kind === 'host' ? m.target.name : m.kind;
    };
    expect(name('web-01:9113')).toBe('web-01');
    expect(name('WEB-02')).toBe('web-02');
    expect(name('10.0.0.12:9100')).toBe('web-02');
    expect(name('[2001:0db8:0::1]:9100')).toBe('v6-01');
    expect(name('10.0.0.50:9100')).toBe('ambiguous');
    expect(name('db-09:9100')).toBe('unknown');
    expect(name('')).toBe('unknown');
    expect(name('../../etc/passwd')).toBe('unknown');
  });
});

describe('who asked, for an alert', () => {
  it('is "alert NAME" with only name-like characters, never a Slack user id', () => {
    expect(alertRequester('Nginx502')).toBe('alert Nginx502');
    expect(alertRequester('<!channel> @here U0ALICE')).toBe('alert __channel___here_U0ALICE');
    expect(isUserId(alertRequester('U0ALICE'))).toBe(false);
  });
});

// What an alert webhook carries, and what the bot makes of it. Alertmanager's webhook JSON (version 4:
// `status`, `alerts[]` with `status`, `labels`, `annotations`, `startsAt`, `endsAt`, `fingerprint`) and the
// generic `{"host": "web-01", "summary": "…"}` of anything else with a webhook (Grafana, PagerDuty) are
// checked with zod and turned into the same AlertEvent: one alert, firing or resolved, with its name, its
// summary and since when, already cut to bounded lengths. The host label (ALERT_HOST_LABEL, `instance` by
// default) only SELECTS an inventory host (by name, then by address): a label value is never a path, a
// command or a Redis key. Everything in a payload is hostile. Pure: no I/O.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { Target } from '../inventory/types.js';
import { normalizeAddress } from '../inventory/address.js';
import type { Result } from '../model/result.js';
import { parsePayload } from '../queue/payloads.js';

/** The default label that names an alert's host (Prometheus puts the scraped target there). */
export const DEFAULT_HOST_LABEL = 'instance';

/** Bounds of what an AlertEvent keeps of a payload (characters, before escaping). */
export const ALERT_TEXT = { name: 100, summary: 500, host: 253 } as const;

const status = z.enum(['firing', 'resolved'], { error: "expected 'firing' or 'resolved'" });
const time = z.iso.datetime({ offset: true, error: 'expected an RFC 3339 time' });
/** Alertmanager's fingerprints are 16 hex digits; anything of this shape is a safe Redis key part. */
const fingerprint = z.string({ error: 'expected a fingerprint' }).regex(/^[A-Za-z0-9_-]{1,64}$/, {
  error: "expected a fingerprint (letters, digits, '-', '_'; at most 64)",
});
const stringMap = (what: string) =>
  z.record(z.string(), z.string({ error: `expected ${what} whose values are strings` }), {
    error: `expected ${what} (an object of strings)`,
  });

/** One alert of Alertmanager's webhook (fields we do not use, like generatorURL, are allowed and dropped). */
export const alertmanagerAlertSchema = z.object({
  status,
  labels: stringMap('labels'),
  annotations: stringMap('annotations').optional().default({}),
  startsAt: time,
  endsAt: time.optional(),
  fingerprint,
});

/** Alerts one Alertmanager payload may carry: each can be a thread of its own (Alertmanager's max_alerts). */
export const MAX_ALERTS_PER_PAYLOAD = 500;

/** Alertmanager's webhook body, version 4 (docs/configuration.md of prometheus/alertmanager, webhook_config). */
export const alertmanagerPayloadSchema = z.object({
  version: z.literal('4', { error: 'expected "4" (the version of Alertmanager’s webhook format)' }),
  status,
  alerts: z
    .array(alertmanagerAlertSchema, { error: 'expected a list of alerts' })
    .max(MAX_ALERTS_PER_PAYLOAD, {
      error: `more than ${MAX_ALERTS_PER_PAYLOAD} alerts in one payload (set max_alerts in the webhook_config)`,
    }),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayloadSchema>;

/** The generic route's body: a host and a summary; a name, a status and an id to resolve it by, if wanted. */
export const genericAlertSchema = z.object({
  host: z
    .string({ error: 'expected the host (an inventory name or address)' })
    .min(1, { error: 'expected the host (an inventory name or address)' })
    .max(ALERT_TEXT.host, { error: 'the host is too long' }),
  summary: z.string({ error: 'expected a summary' }).max(10_000, { error: 'the summary is too long' }),
  name: z.string().max(1000, { error: 'the name is too long' }).optional(),
  status: status.optional(),
  /** Names the alert across deliveries (the same id firing again joins its thread; resolved by it). */
  id: fingerprint.optional(),
});
export type GenericAlert = z.infer<typeof genericAlertSchema>;

/** One alert as the bot handles it, whichever route it came by. */
export interface AlertEvent {
  /** Alertmanager's fingerprint, or the generic id (or a hash of host and summary). */
  fingerprint: string;
  status: 'firing' | 'resolved';
  /** alertname, one line, at most ALERT_TEXT.name characters ('alert' when missing). */
  name: string;
  /** The summary annotation (else the description), one line, bounded; '' when there is none. */
  summary: string;
  /** When it started firing, ISO 8601 UTC. */
  since: string;
  /** The host label's value as sent (bounded), or undefined when the alert has none. */
  host?: string;
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

/** One line, at most `max` code points (never half a surrogate pair), an ellipsis when cut. */
export function boundedLine(text: string, max: number): string {
  const chars = [...oneLine(text)];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

const isoUtc = (time: string) => new Date(time).toISOString();

/** Every alert of an Alertmanager payload as AlertEvents; `hostLabel` names the label read as the host. */
export function alertmanagerEvents(payload: AlertmanagerPayload, hostLabel: string): AlertEvent[] {
  return payload.alerts.map((alert) => {
    const host = Object.hasOwn(alert.labels, hostLabel) ? alert.labels[hostLabel] : undefined;
    const summary = alert.annotations.summary ?? alert.annotations.description ?? '';
    return {
      fingerprint: alert.fingerprint,
      status: alert.status,
      name: boundedLine(alert.labels.alertname ?? '', ALERT_TEXT.name) || 'alert',
      summary: boundedLine(summary, ALERT_TEXT.summary),
      since: isoUtc(alert.startsAt),
      ...(host !== undefined ? { host: host.slice(0, 1000) } : {}),
    };
  });
}

/** The generic route's alert as an AlertEvent (`now`: its since, as the sender says nothing of it). */
export function genericEvent(alert: GenericAlert, now: Date): AlertEvent {
  // Apart from Alertmanager's fingerprints (hex): a generic id can never name, or resolve, one of its alerts.
  const fp =
    alert.id !== undefined
      ? `generic-${alert.id}`
      : `g${createHash('sha256').update(`${alert.host}\n${alert.summary}`).digest('hex').slice(0, 24)}`;
  return {
    fingerprint: fp,
    status: alert.status ?? 'firing',
    name: boundedLine(alert.name ?? '', ALERT_TEXT.name) || 'webhook',
    summary: boundedLine(alert.summary, ALERT_TEXT.summary),
    since: now.toISOString(),
    host: alert.host,
  };
}

/** A JSON body checked against `schema`: the value, or one line saying what is wrong with it. */
export function parseAlertBody<T>(schema: z.ZodType<T>, body: Buffer): Result<T> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    return { ok: false, error: `the body is not JSON (${(err as Error).message.slice(0, 200)})` };
  }
  return parsePayload(schema, value);
}

/**
 * The host part of a label value: `web-01:9100` → `web-01`, `10.0.0.5:9100` → `10.0.0.5`, `[::1]:9100` →
 * `::1`, `https://web-01/health` → `web-01`; a bare IPv6 address stays whole.
 */
export function hostOfLabel(value: string): string {
  let text = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      text = new URL(text).hostname;
    } catch {
      return text;
    }
  }
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(text);
  if (bracketed) return bracketed[1]!;
  if (isIP(text) === 6) return text;
  const withPort = /^(.*):\d{1,5}$/.exec(text);
  return withPort && !withPort[1]!.includes(':') ? withPort[1]! : text;
}

export type HostMatch =
  | { kind: 'host'; target: Target }
  | { kind: 'unknown'; host: string }
  /** The address is several hosts' (the alert cannot say which). */
  | { kind: 'ambiguous'; host: string; names: string[] };

/** The inventory host an alert's host label names: by inventory name first, then by address. */
export function matchAlertHost(hosts: readonly Target[], label: string): HostMatch {
  const host = hostOfLabel(label);
  const byName =
    hosts.find((h) => h.name === host) ?? hosts.find((h) => h.name.toLowerCase() === host.toLowerCase());
  if (byName) return { kind: 'host', target: byName };
  if (host === '') return { kind: 'unknown', host };
  const wanted = normalizeAddress(host);
  const byAddress = hosts.filter((h) => normalizeAddress(h.address) === wanted);
  if (byAddress.length === 1) return { kind: 'host', target: byAddress[0]! };
  if (byAddress.length > 1) return { kind: 'ambiguous', host, names: byAddress.map((h) => h.name) };
  return { kind: 'unknown', host };
}

/**
 * Who asked, as a Destination's userId says it for an alert: "alert NAME", with only name-like characters
 * kept. It can never be a Slack user id (those are U…/W… with no space), so no mention, DM or approver
 * check mistakes it for a person; FOUR_EYES lets any approver apply the fix an alert was offered.
 */
export function alertRequester(name: string): string {
  const safe = boundedLine(name, 80).replace(/[^A-Za-z0-9_.:-]/g, '_');
  return `alert ${safe || 'alert'}`;
}

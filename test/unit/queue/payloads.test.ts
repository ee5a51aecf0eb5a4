import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  destinationSchema,
  diagnosePayloadSchema,
  parsePayload,
  remediatePayloadSchema,
} from '../../../src/queue/payloads.js';
import { destinationKey } from '../../../src/queue/keys.js';

const slack = { kind: 'slack', channel: 'C1', threadTs: '1700000000.000100', userId: 'U1' } as const;
const now = new Date().toISOString();

describe('job payloads', () => {
  it('accepts what the producer writes', () => {
    expect(
      parsePayload(diagnosePayloadSchema, { target: 'web-01', destination: slack, requestedAt: now }).ok,
    ).toBe(true);
    const remediate = {
      planId: 'p_123-abc',
      action: 'apply',
      target: 'web-01',
      destination: slack,
      requestedBy: 'U2',
      requestedAt: now,
    };
    expect(parsePayload(remediatePayloadSchema, remediate).ok).toBe(true);
  });

  it.each([
    [{ target: 'web 01', destination: slack, requestedAt: now }, /^target: expected an inventory host name/],
    [
      { target: 'web-01', destination: { ...slack, channel: '' }, requestedAt: now },
      /^destination.channel: /,
    ],
    [{ target: 'web-01', destination: { kind: 'email', to: 'x' }, requestedAt: now }, /^destination/],
    // A job names real requesters only: no payload can make a worker answer a test's recorder.
    [{ target: 'web-01', destination: { kind: 'recorder', id: 'x' }, requestedAt: now }, /^destination/],
    [
      { target: 'web-01', destination: slack, requestedAt: 'yesterday' },
      /^requestedAt: expected an ISO 8601 time/,
    ],
    [{ target: 'web-01', destination: slack, requestedAt: now, extra: 1 }, /extra|unrecognized/i],
  ])('refuses %o with one line naming the field', (data, message) => {
    const r = parsePayload(diagnosePayloadSchema, data);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(message);
  });

  it('refuses plan ids that would not be safe job ids or key parts', () => {
    for (const planId of ['a:b', 'a b', '', 'x'.repeat(101)]) {
      const r = parsePayload(remediatePayloadSchema, {
        planId,
        action: 'apply',
        target: 'w',
        destination: slack,
        requestedBy: 'U',
        requestedAt: now,
      });
      expect(r.ok, planId).toBe(false);
    }
  });

  it('never throws on random input (a foreign job in Redis cannot crash a worker)', () => {
    fc.assert(
      fc.property(fc.anything(), (data) => {
        parsePayload(diagnosePayloadSchema, data);
        parsePayload(remediatePayloadSchema, data);
        parsePayload(destinationSchema, data);
      }),
      { numRuns: 500 },
    );
  });

  it('names destinations stably: one thread is one requester', () => {
    expect(destinationKey(slack)).toBe(destinationKey({ ...slack, userId: 'U9' }));
    expect(destinationKey(slack)).not.toBe(destinationKey({ ...slack, threadTs: '1700000000.000200' }));
    expect(destinationKey(slack)).toBe('slack:C1:1700000000.000100');
  });
});

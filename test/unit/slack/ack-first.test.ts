// The work after an ack waits for the acks still owed (ack-first.ts), and never for ever.
import { describe, expect, it } from 'vitest';
import { AckFirst } from '../../../src/slack/ack-first.js';

const settled = async (p: Promise<void>) => {
  let done = false;
  void p.then(() => (done = true));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
};

describe('AckFirst', () => {
  it('lets work go at once when no request waits for its answer', async () => {
    expect(await settled(new AckFirst().turn())).toBe(true);
  });

  it('holds work until every request received has been answered, then lets all of it go', async () => {
    const gate = new AckFirst(60_000);
    gate.received();
    gate.received();
    const first = gate.turn();
    const second = gate.turn();
    gate.answered();
    expect(await settled(first)).toBe(false);
    gate.received();
    gate.answered();
    expect(await settled(second)).toBe(false);
    gate.answered();
    expect(await settled(first)).toBe(true);
    expect(await settled(second)).toBe(true);
  });

  it('lets work go after maxWaitMs when answers never come (a slow client cannot hold it back)', async () => {
    const gate = new AckFirst(20);
    gate.received();
    await gate.turn();
    // More answers than requests (a response closed twice) never count below zero.
    gate.answered();
    gate.answered();
    expect(await settled(gate.turn())).toBe(true);
  });
});

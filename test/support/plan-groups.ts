// Plan groups as the sweep makes them, for tests that come before the sweep: the members' plans are ordinary
// plans stored by their own diagnoses (the worker's proposer), and the group is only their ids in rollout
// order (canary first), saved with PlanGroupStore and offered in the diagnoses' thread with renderGroupOffer.
import type { Redis } from 'ioredis';
import { PlanStore } from '../../src/remediate/plan.js';
import { newGroupId, PlanGroupStore, type PlanGroup } from '../../src/remediate/plan-group.js';
import type { WebClient } from '../../src/slack/calls.js';
import { renderGroupOffer } from '../../src/slack/group-offer.js';

/** Saves a group of these stored plans (canary first) and posts its offer in `thread`; the offer's ts. */
export async function offerGroup(o: {
  redis: Redis;
  prefix: string;
  client: WebClient;
  thread: { channel: string; threadTs: string };
  requestedBy: string;
  planIds: string[];
}): Promise<{ group: PlanGroup; offerTs: string }> {
  const plans = new PlanStore(o.redis, o.prefix);
  const members = [];
  for (const id of o.planIds) {
    const plan = await plans.get(id);
    if (!plan) throw new Error(`no plan ${id}`);
    members.push(plan);
  }
  const canary = members[0]!;
  const group: PlanGroup = {
    id: newGroupId(),
    cause: canary.cause,
    file: canary.file,
    line: canary.line,
    summary: canary.summary,
    unifiedDiff: canary.unifiedDiff,
    members: members.map((p) => ({ host: p.host, planId: p.id })),
    offeredIn: o.thread,
    requestedBy: o.requestedBy,
    createdAt: new Date().toISOString(),
    expiresAt: members.map((p) => p.expiresAt).sort()[0]!,
  };
  await new PlanGroupStore(o.redis, o.prefix).save(group);
  const message = renderGroupOffer(group);
  const posted = await o.client.chat.postMessage({
    channel: o.thread.channel,
    thread_ts: o.thread.threadTs,
    text: message.text,
    blocks: message.blocks,
  });
  return { group, offerTs: String(posted.ts) };
}

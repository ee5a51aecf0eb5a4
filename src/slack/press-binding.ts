// Where a button press may come from. A press carries the plan id in its value, and anyone in any channel the
// bot is in can send a block_actions payload with any value (a copied id, a guessed one): so a press counts
// only in the very thread its plan was offered in, and only while that channel may still reach the plan's
// host under CHANNEL_HOSTS. Pure: the press and the plan come in, a reason to refuse (or none) goes out.
import type { BlockButtonAction } from '@slack/bolt';
import type { Inventory } from '../inventory/index.js';
import type { Plan } from '../remediate/plan.js';
import { type ChannelHosts, inventoryForChannel } from './channel-hosts.js';

/** Where a press happened: its channel, the thread of the pressed message, and that message. */
export interface PressPlace {
  channel: string;
  /** The thread's parent ts (a reply's thread_ts; the message's own ts when it is not in a thread). */
  threadTs: string;
  messageTs: string;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function pressPlace(body: BlockButtonAction): PressPlace {
  const container = body.container as Record<string, unknown>;
  const channel = body.channel?.id ?? str(container.channel_id);
  const messageTs = body.message?.ts ?? str(container.message_ts);
  const threadTs = str(body.message?.thread_ts) || str(container.thread_ts) || messageTs;
  return { channel, threadTs, messageTs };
}

/** Why a press in `place` may not act on `plan` (or a plan group), or undefined when it may. */
export function placeProblem(plan: Pick<Plan, 'offeredIn'>, place: PressPlace): string | undefined {
  const offered = plan.offeredIn;
  if (!offered) return 'This fix was not offered in Slack: nothing was done.';
  if (place.channel !== offered.channel || place.threadTs !== offered.threadTs)
    return 'This fix may be approved only in the thread where it was offered: nothing was done.';
  return undefined;
}

/**
 * The names of the hosts `channel` may reach under CHANNEL_HOSTS, or null when there are no rules (every
 * host): computed once per press, so a group press checks its 1,000 members by lookup, not 1,000 filterings.
 */
export function channelReach(
  inventory: Inventory,
  rules: ChannelHosts | null,
  channel: string,
): ReadonlySet<string> | null {
  if (rules === null) return null;
  return new Set(inventoryForChannel(inventory, rules, channel).hosts.map((h) => h.name));
}

/** Why `channel` may not act on `host` under CHANNEL_HOSTS (as for /502), or undefined when it may. */
export function channelHostProblem(
  inventory: Inventory,
  rules: ChannelHosts | null,
  channel: string,
  host: string,
): string | undefined {
  const reach = channelReach(inventory, rules, channel);
  return reach === null || reach.has(host)
    ? undefined
    : 'This channel may no longer touch that host (CHANNEL_HOSTS): nothing was done.';
}

// A stage is one place a packet can be stopped: an iptables built-in chain, an nftables base chain, or ufw /
// firewalld read from their own status output. Netfilter runs every stage on the packet's path in order of
// hook and priority; an accept only ends its own stage, a drop or reject ends the packet's journey.
import type { FirewallName, FirewallVote } from './types.js';
import type { Decider } from './decisions.js';
import type { PacketView } from './packet.js';

export type Hook = 'prerouting' | 'input' | 'output' | 'postrouting';

export interface StageResult extends FirewallVote {
  /** Uncertainties that hold whatever the undecidable rules do (assumptions the stage had to make). */
  notes: string[];
}

export interface Stage {
  /** Who owns the stage (a verdict inside ufw's iptables chains is still reported as ufw's). */
  firewall: FirewallName;
  hook: Hook;
  priority: number;
  run(pkt: PacketView, decider: Decider): StageResult;
}

/** The hooks a packet passes through, in order, for the direction the evaluator is asked about. */
export function hooksFor(direction: 'input' | 'output'): Hook[] {
  return direction === 'input' ? ['prerouting', 'input'] : ['output', 'postrouting'];
}

export function stageResult(
  firewall: FirewallName,
  verdict: 'accept' | 'drop' | 'reject',
  fields: Partial<Omit<FirewallVote, 'verdict' | 'firewall'>> & { byPolicy: boolean; notes?: string[] },
): StageResult {
  const { notes = [], ...rest } = fields;
  return { verdict, firewall, ...rest, notes };
}

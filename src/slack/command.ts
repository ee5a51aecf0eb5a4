// `/502 …`: what the text asks for, and which hosts that means for this channel. Pure: the listener acks
// first and then calls these; the messages are mrkdwn with every echoed word escaped.
//
// Words are separated by commas and by every Unicode space (a no-break space pasted from a document splits
// `web-01 web-02` like a plain one), and a command of several words is echoed in the ack as it was read,
// so nobody is surprised by two diagnoses. A word holding an invisible character (zero-width space, joiners,
// direction marks, other format or control characters) is refused with the character named: it would look
// like a host name and be none.
import { selectHosts, type Inventory, type Target } from '../inventory/index.js';
import type { ChannelHosts } from './channel-hosts.js';
import { inventoryForChannel } from './channel-hosts.js';
import { inlineCode, untrustedProse } from './mrkdwn.js';

/** Hosts that get a parent message and a thread each (THREAD_PER_HOST_MAX); more become one fleet sweep. */
export const THREAD_PER_HOST_MAX = 5;
/** Hosts one sweep covers at most (SWEEP_MAX_HOSTS); a command that selects more is refused. */
export const SWEEP_MAX_HOSTS = 1000;

/** How many hosts a command turns into threads, and how many a sweep may cover (the bot's settings). */
export interface CommandLimits {
  threadPerHostMax: number;
  sweepMaxHosts: number;
}

export const DEFAULT_LIMITS: CommandLimits = {
  threadPerHostMax: THREAD_PER_HOST_MAX,
  sweepMaxHosts: SWEEP_MAX_HOSTS,
};
/** Words one command may carry. */
const MAX_WORDS = 20;

export type CommandRequest =
  | { kind: 'help' }
  | { kind: 'usage' }
  | { kind: 'invalid'; message: string }
  | { kind: 'diagnose'; patterns: string[] };

/** Commas and every Unicode space: U+00A0, U+2000–U+200A, U+202F, U+205F, U+3000, line separators… */
const SEPARATORS = /[\p{White_Space},]+/u;
/** Control, format (U+200B–U+200F, U+202A–U+202E, U+2060, U+FEFF…), private-use and unassigned. */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/u;
const INVISIBLE_ALL = /[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu;

/** A character as U+XXXX. */
const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

const WORD = /^(tag:[A-Za-z0-9._-]+|[A-Za-z0-9._*?-]+)$/;

export const USAGE_TEXT =
  'Usage: `/502 HOST [HOST…]` — a name from the inventory, a glob (`web-*`) or `tag:NAME`. Example: `/502 web-01`. `/502 help` says more.';

export function helpText(command = '/502', limits: CommandLimits = DEFAULT_LIMITS): string {
  const c = inlineCode(command) ? command : '/502';
  const n = limits.threadPerHostMax;
  return [
    `*${c}* finds out why nginx answers 502 Bad Gateway on a host.`,
    `• \`${c} web-01\`: diagnose one host`,
    `• \`${c} web-01 web-02\`, \`${c} web-*\`, \`${c} tag:prod\`: several at once; up to ${n} get a message and a thread each`,
    `• more than ${n} (up to ${limits.sweepMaxHosts.toLocaleString('en')}): one fleet sweep, one message counting hosts as they finish and ending with the hosts grouped by root cause, one thread reply per group`,
    `• \`${c} help\`: this text`,
    'A host of its own gets progress, then the root cause with its evidence (file:line) and the fix, and the message is edited to the verdict. Nothing on a host is changed without a button press by an approver.',
  ].join('\n');
}

/** Reads the command's text (Slack sends it as typed, spaces collapsed or not). */
export function parseCommandText(text: string): CommandRequest {
  const words = text.split(SEPARATORS).filter(Boolean);
  if (words.length === 0) return { kind: 'usage' };
  const hidden = words.filter((w) => INVISIBLE.test(w));
  if (hidden.length > 0) {
    // Shown with each invisible character spelled out, so the reader sees where it is.
    const shown = hidden
      .slice(0, 5)
      .map((w) => inlineCode(w.slice(0, 80).replace(INVISIBLE_ALL, (c) => `<${codePoint(c)}>`)))
      .join(', ');
    const chars = [...new Set(hidden.join('').match(INVISIBLE_ALL) ?? [])].map(codePoint).slice(0, 5);
    return {
      kind: 'invalid',
      message: `${shown} ${hidden.length === 1 ? 'holds' : 'hold'} an invisible character (${chars.join(', ')}): type the name again.\n${USAGE_TEXT}`,
    };
  }
  if (words.length === 1 && /^(help|-h|--help|\?)$/i.test(words[0]!)) return { kind: 'help' };
  if (words.length > MAX_WORDS)
    return {
      kind: 'invalid',
      message: `That is ${words.length} words; name at most ${MAX_WORDS}.\n${USAGE_TEXT}`,
    };
  const bad = words.filter((w) => !WORD.test(w));
  if (bad.length > 0) {
    const shown = bad
      .slice(0, 5)
      .map((w) => inlineCode(w.slice(0, 80)) || '`?`')
      .join(', ');
    return {
      kind: 'invalid',
      message: `${shown} ${bad.length === 1 ? 'is not a host name' : 'are not host names'} (letters, digits, \`.\`, \`-\`, \`_\`, globs with \`*\` and \`?\`, or \`tag:NAME\`).\n${USAGE_TEXT}`,
    };
  }
  return { kind: 'diagnose', patterns: words };
}

/**
 * The ack's echo of a command of several words, as they were read ("Diagnosing `web-01`, `web-02`"), or
 * undefined for one word (its parent message, a second later, says the same).
 */
export function understood(patterns: readonly string[]): string | undefined {
  if (patterns.length < 2) return undefined;
  return `Diagnosing ${patterns.map((p) => inlineCode(p)).join(', ')} (read as ${patterns.length} names).`;
}

export type TargetChoice = { ok: true; targets: Target[] } | { ok: false; message: string };

/**
 * The hosts `patterns` name that `channel` may diagnose. A channel with an allow-list sees only its hosts
 * (close matches come from those); a host that exists but is not allowed here is named as such.
 */
export function chooseTargets(
  inventory: Inventory,
  patterns: readonly string[],
  channel: string,
  rules: ChannelHosts | null,
  limits: CommandLimits = DEFAULT_LIMITS,
): TargetChoice {
  const visible = inventoryForChannel(inventory, rules, channel);
  if (rules !== null && visible.hosts.length === 0)
    return {
      ok: false,
      message:
        'This channel may not diagnose any host: ask whoever runs the bot to add it to `CHANNEL_HOSTS`.',
    };
  const problems: string[] = [];
  const chosen = new Map<string, Target>();
  for (const pattern of patterns) {
    const here = selectHosts(visible, [pattern]);
    if (here.ok) {
      for (const t of here.value) chosen.set(t.name, t);
      continue;
    }
    const anywhere = rules === null ? here : selectHosts(inventory, [pattern]);
    problems.push(
      anywhere.ok
        ? `${inlineCode(pattern)} may not be diagnosed from this channel (CHANNEL_HOSTS).`
        : // selectHosts' own words ("unknown host 'web-1'; did you mean web-01?"), without the file's path.
          untrustedProse(here.error.join('; ').replaceAll(inventory.source, 'the inventory')),
    );
  }
  if (problems.length > 0) return { ok: false, message: problems.map((p) => `• ${p}`).join('\n') };
  const targets = [...chosen.values()];
  if (targets.length > limits.sweepMaxHosts)
    return {
      ok: false,
      message: `That is ${targets.length.toLocaleString('en')} hosts; a sweep covers at most ${limits.sweepMaxHosts.toLocaleString('en')} (\`SWEEP_MAX_HOSTS\`). Narrow the glob or tag.`,
    };
  return { ok: true, targets };
}

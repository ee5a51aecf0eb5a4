// A fleet sweep as Slack messages: the parent while hosts finish ("12 of 30 done"), the parent's verdict
// (one line per group: `✖ 37 hosts · upstream-port-mismatch · /etc/nginx/conf.d/shop.conf:2 (8000 → 3000)`,
// `✔ 460 healthy`, `⚠ 3 could not be diagnosed (host-unreachable)`), and one thread reply per group: its
// hosts, the shared title, evidence and fix once (the first host's: the group's hosts share cause, place and
// edit). Everything from a host is escaped (mrkdwn.ts) and cut, so any number of hosts and groups stays
// within Block Kit's limits; a host list too long to show goes into a text file. Pure: no I/O.
import { editChange, groupPlace, type FleetGroup, type FleetSummary } from '../analyze/fleet.js';
import type { SweepRecord } from '../queue/sweep.js';
import { visibleText } from '../text/visible.js';
import { type Block, context, limitViolations, LIMITS, section, type SlackMessage } from './blocks.js';
import { codeBlock, cutToEscapedLength, inlineCode, mention, oneLine, untrustedProse } from './mrkdwn.js';
import { cutMrkdwn, type EvidenceGroup, groupEvidence, seconds, type ThreadFile } from './render.js';

const SIZE = {
  /** Escaped characters of a cause, a place, one side of an edit, a title. */
  cause: 120,
  place: 300,
  change: 60,
  title: 400,
  summary: 400,
  /** Characters of one group's line in the parent (it is cut after escaping). */
  line: 500,
  /** Group lines in the parent; the rest are counted (the thread has them all). */
  parentGroups: 15,
  /** Escaped characters of a reply's host list. */
  hosts: 2500,
  /** Evidence groups shown in a reply, the characters of each one's text, and of a diff. */
  evidence: 3,
  evidenceText: 700,
  diff: 1500,
} as const;

const EMOJI = { failing: ':red_circle:', undiagnosed: ':warning:', healthy: ':large_green_circle:' } as const;

const plural = (n: number, one: string, many = `${one}s`) =>
  `${n.toLocaleString('en')} ${n === 1 ? one : many}`;
const label = (record: Pick<SweepRecord, 'label'>) =>
  inlineCode(cutToEscapedLength(oneLine(record.label), 200).text) || '`?`';
const code = (text: string, max: number) => inlineCode(cutToEscapedLength(oneLine(text), max).text);

/** A group's one line, mrkdwn: what the parent lists and each reply starts with. */
export function groupLine(group: FleetGroup): string {
  const n = group.hosts.length;
  let line: string;
  if (group.status === 'healthy') line = `${EMOJI.healthy} *${plural(n, 'healthy', 'healthy')}*`;
  else if (group.status === 'undiagnosed')
    line = `${EMOJI.undiagnosed} *${n.toLocaleString('en')} could not be diagnosed* (${code(group.cause ?? 'unknown', SIZE.cause) || '`?`'})`;
  else {
    const place = groupPlace(group);
    const change = group.edit
      ? ` (${untrustedProse(cutToEscapedLength(editChange(group.edit, SIZE.change), 2 * SIZE.change + 10).text)})`
      : '';
    line = [
      `${EMOJI.failing} *${plural(n, 'host')}*`,
      code(group.cause ?? 'unknown', SIZE.cause) || '`?`',
      place ? `${code(place, SIZE.place)}${change}` : '',
    ]
      .filter(Boolean)
      .join(' · ');
  }
  return cutMrkdwn(line, SIZE.line);
}

/** The counts the fallback text and the headline give. */
function counts(summary: FleetSummary): { failing: number; healthy: number; undiagnosed: number } {
  const sum = (status: FleetGroup['status']) =>
    summary.groups.filter((g) => g.status === status).reduce((n, g) => n + g.hosts.length, 0);
  return { failing: sum('failing'), healthy: sum('healthy'), undiagnosed: sum('undiagnosed') };
}

/** The parent while the sweep runs: what was asked, by whom, N of M done. */
export function renderSweepProgress(
  record: Pick<SweepRecord, 'label' | 'userId' | 'total'>,
  done: number,
): SlackMessage {
  const text = `Sweeping ${oneLine(record.label).slice(0, 200)} · ${done} of ${record.total} hosts done`;
  return {
    text: untrustedProse(text),
    blocks: [
      section(
        `:hourglass_flowing_sand: Sweeping ${label(record)} for ${mention(record.userId)}: *${done.toLocaleString('en')} of ${plural(record.total, 'host')}* done`,
      ),
      context('One reply per group of hosts with the same root cause lands in the thread at the end.'),
    ],
  };
}

/** The parent at the end: one line per group (the largest first), with the counts in the fallback text. */
export function renderSweepVerdict(
  record: Pick<SweepRecord, 'label' | 'userId' | 'total' | 'createdAt'>,
  summary: FleetSummary,
  now = Date.now(),
): SlackMessage {
  const c = counts(summary);
  const missing = record.total - summary.total;
  const shown = summary.groups.slice(0, SIZE.parentGroups);
  const rest = summary.groups.slice(SIZE.parentGroups);
  const blocks: Block[] = [
    section(
      `:mag: Sweep of ${label(record)} for ${mention(record.userId)}: *${plural(record.total, 'host')}*, ${c.failing.toLocaleString('en')} with a cause of 502`,
    ),
    ...shown.map((g) => section(groupLine(g))),
  ];
  if (rest.length > 0)
    blocks.push(
      context(
        `+${plural(rest.length, 'more group')} (${plural(
          rest.reduce((n, g) => n + g.hosts.length, 0),
          'host',
        )}) in the thread`,
      ),
    );
  const notes = [
    `done in ${seconds(now - Date.parse(record.createdAt))}`,
    `${plural(summary.groups.length, 'group')}: one reply each in the thread`,
  ];
  if (missing > 0) notes.push(`${plural(missing, 'host')} never answered`);
  blocks.push(context(notes.join(' · ')));
  const text = `Sweep of ${oneLine(record.label).slice(0, 200)} · ${c.failing} with a cause of 502, ${c.healthy} healthy, ${c.undiagnosed} could not be diagnosed`;
  return { text: untrustedProse(text), blocks };
}

/** Host names as inline code, comma separated, cut to `max` escaped characters; how many were shown. */
function hostNames(hosts: readonly string[], max: number): { text: string; shown: number } {
  let text = '';
  let shown = 0;
  for (const h of hosts) {
    const name = inlineCode(h) || '`?`';
    const next = text ? `${text}, ${name}` : name;
    // Room for ", and 99,999 more (all in the attached file)".
    if (next.length > max - 50) break;
    text = next;
    shown++;
  }
  return { text, shown };
}

/** One run of evidence: its source and place, then its text in a code block, all cut. */
function evidenceSection(group: EvidenceGroup): Block {
  const place =
    group.file === undefined ? '' : `${group.file}${group.line !== undefined ? `:${group.line}` : ''}`;
  const where = [code(group.source, 100), place ? code(place, SIZE.place) : ''].filter(Boolean).join(' · ');
  return section(
    `${where}\n${codeBlock(cutToEscapedLength(group.texts.join('\n'), SIZE.evidenceText).text)}`,
  );
}

export interface GroupReply {
  message: SlackMessage;
  /** Every host of the group, when the reply could not name them all. */
  file?: ThreadFile;
}

export interface GroupReplyOptions {
  /** The group's offer (group-offer.ts): appended by the caller; this reply then leaves the diff to it. */
  offered?: boolean;
  /** Why the group has no `Apply to canary` (some host's fix was withheld or has no plan). */
  noOffer?: string;
}

/** The reply for one group: its line, its hosts, and (unless healthy) the shared title, evidence and fix. */
export function renderGroupReply(
  group: FleetGroup,
  index: number,
  options: GroupReplyOptions = {},
): GroupReply {
  const names = hostNames(group.hosts, SIZE.hosts);
  const more = group.hosts.length - names.shown;
  const blocks: Block[] = [
    section(groupLine(group)),
    section(
      `Hosts: ${names.text}${more > 0 ? `${names.shown > 0 ? ', and' : ''} ${more.toLocaleString('en')} more (all in the attached file)` : ''}`,
    ),
  ];
  const e = group.example;
  if (group.status !== 'healthy') {
    if (e.title)
      blocks.push(section(untrustedProse(cutToEscapedLength(oneLine(e.title), SIZE.title).text) || '…'));
    for (const g of groupEvidence(e.evidence).slice(0, SIZE.evidence)) blocks.push(evidenceSection(g));
    if (e.fixSummary)
      blocks.push(
        section(
          `:wrench: *Fix:* ${untrustedProse(cutToEscapedLength(oneLine(e.fixSummary), SIZE.summary).text)}`,
        ),
      );
    if (group.edit && !options.offered) {
      const { file, line, before, after } = group.edit;
      const diff = [...before.split('\n').map((l) => `-${l}`), ...after.split('\n').map((l) => `+${l}`)];
      blocks.push(
        section(
          `${code(`${file}:${line}`, SIZE.place)}\n${codeBlock(cutToEscapedLength(diff.join('\n'), SIZE.diff).text)}`,
        ),
      );
    }
    const notes = [
      `evidence from ${inlineCode(e.host) || '`?`'}; every host here shares its cause, place and edit`,
    ];
    if (options.noOffer) notes.push(untrustedProse(cutToEscapedLength(oneLine(options.noOffer), 300).text));
    blocks.push(context(cutMrkdwn(notes.join(' · '), LIMITS.sectionText)));
  }
  const fallback = `${group.status === 'healthy' ? 'healthy' : oneLine(group.cause ?? '?').slice(0, 100)}: ${group.hosts.length} host${group.hosts.length === 1 ? '' : 's'}`;
  return {
    message: { text: untrustedProse(fallback), blocks },
    ...(more > 0
      ? {
          file: {
            filename: `sweep-group-${index + 1}-hosts.txt`,
            title: `Hosts of group ${index + 1} (${visibleText(oneLine(group.cause ?? 'healthy').slice(0, 100))})`,
            content: `${group.hosts.join('\n')}\n`,
          },
        }
      : {}),
  };
}

/**
 * The group's reply with its offer (group-offer.ts) below the evidence: one message when both fit within
 * Block Kit's limits, else the offer as the message right after it.
 */
export function withOffer(reply: SlackMessage, offer: SlackMessage): SlackMessage[] {
  const combined = { text: reply.text, blocks: [...reply.blocks, ...offer.blocks] };
  return limitViolations(combined).length === 0 ? [combined] : [reply, offer];
}

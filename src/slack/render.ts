// A Report as Slack messages: the verdict for the parent message, the root cause (title, why, evidence with
// file:line, the fix as a diff) as threaded replies, the other findings one line each below it. Everything from
// the host is escaped (mrkdwn.ts); messages are packed within Slack's limits (blocks.ts), and whatever does not
// fit inline goes into a text file for files.uploadV2. Pure: no I/O.
import type { Evidence, Finding, Report, Severity } from '../model/types.js';
import { exitCodeOf } from '../analyze/report-outcome.js';
import { visibleText } from '../text/visible.js';
import { PLAIN, renderReport as renderTextReport } from '../render/report-text.js';
import { type Block, blockChars, context, divider, LIMITS, section, type SlackMessage } from './blocks.js';
import { codeBlock, cutToEscapedLength, inlineCode, mention, oneLine, untrustedProse } from './mrkdwn.js';

/** A text file to upload into the thread (files.uploadV2): what did not fit in the messages. */
export interface ThreadFile {
  filename: string;
  title: string;
  content: string;
}

export interface RenderedReport {
  /** Threaded replies, in order; each within Slack's limits. */
  replies: SlackMessage[];
  /** Files to upload into the thread after the replies (the full report when anything was cut or collapsed). */
  files: ThreadFile[];
}

/** Sizes the renderer keeps to, below Slack's own limits so a message stays readable. */
const SIZE = {
  /** Escaped characters of one evidence group's code block. */
  evidence: 1500,
  /** Escaped characters of a title (one line). */
  title: 400,
  /** Escaped characters of a detail paragraph. */
  detail: 2000,
  /** Escaped characters of a remediation note (an nginx -t error can be long). */
  note: 2000,
  /** Evidence groups shown inline for the root cause; the rest are in the file. */
  evidenceGroups: 8,
  /** Other findings listed one line each; the rest are counted. */
  others: 20,
  /** Characters of a reply's blocks: packed below LIMITS.messageChars with room for the fallback text. */
  replyChars: LIMITS.messageChars - LIMITS.fallbackText,
  /** Blocks of one reply. */
  replyBlocks: LIMITS.blocks,
} as const;

const EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  warning: ':warning:',
  info: ':information_source:',
};
const HEALTHY = ':large_green_circle:';
const NOT_DIAGNOSED = ':no_entry:';

/** Untrusted prose cut to `max` escaped characters. */
function prose(text: string, max: number): { text: string; truncated: boolean } {
  const cut = cutToEscapedLength(text, max);
  return { text: untrustedProse(cut.text), truncated: cut.truncated };
}

export function seconds(ms: number): string {
  return ms < 1000 ? `${Math.max(0, Math.round(ms))} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function where(file: string | undefined, line: number | undefined): string {
  return file === undefined ? '' : `${file}${line !== undefined ? `:${line}` : ''}`;
}

/** Evidence items in a row from the same source and file (three error.log lines) share one code block. */
export interface EvidenceGroup {
  source: string;
  file?: string;
  line?: number;
  texts: string[];
}

export function groupEvidence(evidence: readonly Evidence[]): EvidenceGroup[] {
  const groups: EvidenceGroup[] = [];
  for (const e of evidence) {
    const last = groups.at(-1);
    // Items with a line number each point somewhere: only line-less items of one source and file merge.
    if (
      last &&
      last.line === undefined &&
      e.line === undefined &&
      last.source === e.source &&
      last.file === e.file
    )
      last.texts.push(e.text);
    else groups.push({ source: e.source, file: e.file, line: e.line, texts: [e.text] });
  }
  return groups;
}

export function evidenceBlock(group: EvidenceGroup): { block: Block; truncated: boolean } {
  const label = [inlineCode(group.source), inlineCode(where(group.file, group.line))]
    .filter(Boolean)
    .join(' · ');
  const cut = cutToEscapedLength(group.texts.join('\n'), SIZE.evidence);
  return { block: section(`${label}\n${codeBlock(cut.text)}`), truncated: cut.truncated };
}

function fixBlocks(finding: Finding): { blocks: Block[]; truncated: boolean } {
  const fix = finding.fix;
  if (!fix) return { blocks: [], truncated: false };
  const summary = prose(oneLine(fix.summary), SIZE.title);
  const blocks: Block[] = [section(`:wrench: *Fix:* ${summary.text}`)];
  let truncated = summary.truncated;
  if (fix.edit) {
    const { file, line, before, after } = fix.edit;
    const diff = [...before.split('\n').map((l) => `-${l}`), ...after.split('\n').map((l) => `+${l}`)].join(
      '\n',
    );
    const cut = cutToEscapedLength(diff, SIZE.evidence);
    truncated ||= cut.truncated;
    blocks.push(section(`${inlineCode(where(file, line))}\n${codeBlock(cut.text)}`));
  }
  if (fix.commands && fix.commands.length > 0) {
    const cut = cutToEscapedLength(fix.commands.map((c) => `$ ${c}`).join('\n'), SIZE.evidence);
    truncated ||= cut.truncated;
    blocks.push(section(`Run by hand:\n${codeBlock(cut.text)}`));
  }
  return { blocks, truncated };
}

/** `cause` and, when the finding is about another host or one of several nginx, which one. */
function causeLabel(finding: Finding): string {
  const host = finding.host ? ` on ${inlineCode(finding.host)}` : '';
  const instance = finding.instance
    ? ` in nginx ${finding.instance.master} (${inlineCode(finding.instance.config)})`
    : '';
  return `${inlineCode(finding.cause)}${host}${instance}`;
}

/** The full rendering of one finding: title, why, evidence, fix. */
function findingBlocks(finding: Finding, heading: string): { blocks: Block[]; truncated: boolean } {
  const title = prose(oneLine(finding.title), SIZE.title);
  const detail = prose(finding.detail, SIZE.detail);
  const blocks: Block[] = [
    section(`${EMOJI[finding.severity]} *${heading}* · ${causeLabel(finding)}\n${title.text}`),
  ];
  if (detail.text.trim().length > 0) blocks.push(section(detail.text));
  let truncated = title.truncated || detail.truncated;
  const groups = groupEvidence(finding.evidence);
  for (const group of groups.slice(0, SIZE.evidenceGroups)) {
    const e = evidenceBlock(group);
    blocks.push(e.block);
    truncated ||= e.truncated;
  }
  if (groups.length > SIZE.evidenceGroups) {
    blocks.push(
      context(`+${groups.length - SIZE.evidenceGroups} more pieces of evidence in the attached report`),
    );
    truncated = true;
  }
  const fix = fixBlocks(finding);
  return { blocks: [...blocks, ...fix.blocks], truncated: truncated || fix.truncated };
}

/** One line for a finding that is not shown in full. */
function collapsedLine(finding: Finding): Block {
  return context(
    `${EMOJI[finding.severity]} ${prose(oneLine(finding.title), SIZE.title).text} · ${causeLabel(finding)}`,
  );
}

/**
 * Packs blocks into messages of at most SIZE.replyBlocks blocks and SIZE.replyChars characters, in order.
 * Every single block is far below the budget (each text is capped above), so each message takes at least one.
 */
function pack(blocks: readonly Block[], fallback: (index: number) => string): SlackMessage[] {
  const pages: Block[][] = [];
  let page: Block[] = [];
  let chars = 0;
  for (const block of blocks) {
    const size = blockChars(block);
    if (page.length > 0 && (page.length >= SIZE.replyBlocks || chars + size > SIZE.replyChars)) {
      pages.push(page);
      page = [];
      chars = 0;
    }
    page.push(block);
    chars += size;
  }
  if (page.length > 0) pages.push(page);
  return pages.map((blocks, i) => ({ text: fallback(i), blocks }));
}

/** A file name made of safe characters only (Slack shows it; the target name came from the inventory). */
function fileName(target: string, suffix: string): string {
  const safe = target.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'host';
  return `${safe}-${suffix}`;
}

/** The threaded replies (and files) that report a diagnosis: root cause first, the rest collapsed. */
export function renderReport(report: Report, options: { confirmsPlan?: string } = {}): RenderedReport {
  const target = inlineCode(report.target) || '`?`';
  const critical = report.findings.filter((f) => f.severity === 'critical');
  // The diagnosis after an applied fix says so above its findings: it is a check, not a new incident.
  const blocks: Block[] = options.confirmsPlan
    ? [context(`:mag: Diagnosed again after fix ${inlineCode(options.confirmsPlan)} was applied`)]
    : [];
  let truncated = false;
  let shownInFull: Finding | undefined;
  if (critical.length > 0) {
    shownInFull = report.findings[0]!;
    const heading = exitCodeOf(report) === 2 ? 'Could not diagnose' : 'Root cause';
    const rendered = findingBlocks(shownInFull, heading);
    blocks.push(...rendered.blocks);
    truncated = rendered.truncated;
  } else {
    blocks.push(section(`${HEALTHY} *No cause for a 502 found* on ${target}`));
  }
  const others = report.findings.filter((f) => f !== shownInFull);
  if (others.length > 0) {
    blocks.push(divider(), section(`*Other findings* (${others.length})`));
    for (const f of others.slice(0, SIZE.others)) blocks.push(collapsedLine(f));
    if (others.length > SIZE.others)
      blocks.push(context(`+${others.length - SIZE.others} more in the attached report`));
  }
  blocks.push(
    context(
      `${untrustedProse(oneLine(report.host).slice(0, 200))} · diagnosed in ${seconds(report.durationMs)}`,
    ),
  );

  const summary = oneLine(verdictLine(report));
  const replies = pack(blocks, (i) => {
    const text = i === 0 ? summary : `${oneLine(report.target)}: continued (${i + 1})`;
    return untrustedProse(cutToEscapedLength(text, 300).text);
  });
  const files: ThreadFile[] =
    truncated || others.length > 0
      ? [
          {
            filename: fileName(report.target, 'report.txt'),
            title: `upstream-doctor report for ${visibleText(oneLine(report.target).slice(0, 100))}`,
            content: renderTextReport(report, PLAIN),
          },
        ]
      : [];
  return { replies, files };
}

const FIXED = ':white_check_mark:';

/** The verdict in one plain line (no mrkdwn, unescaped): for notifications and logs. */
export function verdictLine(report: Report): string {
  const root = report.findings[0];
  const hasCritical = report.findings.some((f) => f.severity === 'critical');
  if (!root || !hasCritical) return `${report.target}: no cause for a 502 found`;
  return `${report.target}: ${root.title} [${root.cause}]`;
}

/** The emoji of a report's verdict: red for a cause, no-entry when not diagnosed, green when healthy. */
export function verdictEmoji(report: Report): string {
  const code = exitCodeOf(report);
  return code === 2 ? NOT_DIAGNOSED : code === 1 ? EMOJI.critical : HEALTHY;
}

/**
 * The parent message once the diagnosis is done: the root cause in one line, who asked, where to read more.
 * After an applied fix (`confirmsPlan`), the line says whether the fix held, and who applied it.
 */
export function renderVerdict(report: Report, userId: string, confirmsPlan?: string): SlackMessage {
  const target = inlineCode(report.target) || '`?`';
  const root = report.findings[0];
  const hasCritical = report.findings.some((f) => f.severity === 'critical');
  // After an applied fix, the verdict says first whether it held.
  const afterFix = !confirmsPlan ? '' : hasCritical ? 'still failing after the fix: ' : 'fixed: ';
  const line =
    root && hasCritical
      ? `${verdictEmoji(report)} ${target}: ${afterFix}${prose(oneLine(root.title), SIZE.title).text} · ${causeLabel(root)}`
      : confirmsPlan
        ? `${FIXED} ${target}: fixed; diagnosed again after the apply, no cause for a 502 found`
        : `${HEALTHY} ${target}: no cause for a 502 found`;
  const more = report.findings.length - (hasCritical ? 1 : 0);
  const notes = [
    confirmsPlan
      ? `fix ${inlineCode(confirmsPlan)} applied by ${mention(userId)}`
      : `asked by ${mention(userId)}`,
    `${seconds(report.durationMs)}`,
    more > 0 ? `${more} more finding${more === 1 ? '' : 's'} in the thread` : 'details in the thread',
  ];
  return {
    text: untrustedProse(cutToEscapedLength(oneLine(`${afterFix}${verdictLine(report)}`), 300).text),
    blocks: [section(line), context(notes.join(' · '))],
  };
}

/** The parent message posted when the command arrives. */
export function renderParent(target: string, userId: string): SlackMessage {
  const name = inlineCode(oneLine(target).slice(0, 200)) || '`?`';
  return {
    text: untrustedProse(`Diagnosing ${oneLine(target).slice(0, 200)}`),
    blocks: [section(`:mag: Diagnosing ${name} for ${mention(userId)}…`)],
  };
}

/** The parent when this request joined a diagnosis already running for the host: a link to its thread. */
export function renderJoined(target: string, userId: string, permalink: string | undefined): SlackMessage {
  const name = inlineCode(oneLine(target).slice(0, 200)) || '`?`';
  const link = permalink && isSafeLink(permalink) ? `<${permalink}|this thread>` : 'another thread';
  return {
    text: untrustedProse(`${oneLine(target).slice(0, 200)} is already being diagnosed`),
    blocks: [
      section(
        `:mag: ${name} is already being diagnosed: follow ${link}. ${mention(userId)}, the verdict lands here too.`,
      ),
    ],
  };
}

/** Only plain http(s) URLs (a permalink from chat.getPermalink) go into `<url|text>` (no `|`, `<`, `>` or spaces that could break out). */
function isSafeLink(url: string): boolean {
  return /^https?:\/\/[^\s<>|&]+$/.test(url) && url.length <= 500;
}

/** The one threaded progress message, edited as steps finish. */
export function renderProgress(
  target: string,
  step: string,
  stepsDone: number,
  elapsedMs: number,
): SlackMessage {
  const name = inlineCode(oneLine(target).slice(0, 200)) || '`?`';
  const now = prose(oneLine(step), SIZE.title).text || 'working';
  return {
    text: untrustedProse(`${oneLine(target).slice(0, 200)}: ${cutToEscapedLength(oneLine(step), 200).text}`),
    blocks: [
      section(`:hourglass_flowing_sand: ${name}: ${now}`),
      context(`${stepsDone} step${stepsDone === 1 ? '' : 's'} so far · ${seconds(elapsedMs)}`),
    ],
  };
}

/** A remediation's steps and outcome so far: the host named once, then one section per line. */
export function renderNotes(target: string, lines: string[]): SlackMessage {
  const name = inlineCode(oneLine(target).slice(0, 200)) || '`?`';
  const last = lines.at(-1) ?? '';
  return {
    text: untrustedProse(`${oneLine(target).slice(0, 200)}: ${cutToEscapedLength(oneLine(last), 200).text}`),
    blocks: [context(name), ...lines.map((line) => section(prose(oneLine(line), SIZE.note).text || '…'))],
  };
}

/** The progress message once the checks are done. */
export function renderProgressDone(target: string, steps: number, elapsedMs: number): SlackMessage {
  const name = inlineCode(oneLine(target).slice(0, 200)) || '`?`';
  return {
    text: untrustedProse(`${oneLine(target).slice(0, 200)}: checks done`),
    blocks: [
      section(
        `:white_check_mark: ${name}: ${steps} step${steps === 1 ? '' : 's'} done in ${seconds(elapsedMs)}`,
      ),
    ],
  };
}

/** A job that ended without a report: said plainly, in the thread and in the parent. */
export function renderFailed(target: string, message: string, userId: string): SlackMessage {
  const name = inlineCode(oneLine(target).slice(0, 200)) || '`?`';
  const why = prose(oneLine(message), SIZE.title).text || 'unknown error';
  return {
    text: untrustedProse(`${oneLine(target).slice(0, 200)}: the diagnosis failed`),
    blocks: [
      section(`${NOT_DIAGNOSED} ${name}: the diagnosis failed: ${why}`),
      context(`asked by ${mention(userId)}`),
    ],
  };
}

/** A short ephemeral answer (usage, errors): `text` is already mrkdwn, built from escaped parts. */
export function renderNotice(text: string): SlackMessage {
  return { text: cutMrkdwn(text, 300), blocks: [section(cutMrkdwn(text, LIMITS.sectionText))] };
}

/**
 * Already-escaped mrkdwn cut to `max` characters without leaving half an entity (`&am`) or half a
 * `<…>` sequence behind: the cut backs up to before either.
 */
export function cutMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const amp = cut.lastIndexOf('&');
  if (amp >= 0 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  const open = cut.lastIndexOf('<');
  if (open >= 0 && !cut.slice(open).includes('>')) cut = cut.slice(0, open);
  return `${cut}…`;
}

// A stored Slack thread (as the Web API stand-in records it) turned into a self-contained HTML page that looks
// like Slack's thread view, for the README's picture (scripts/render-thread.ts screenshots it). Pure: no I/O.
//
// The mrkdwn arrives Slack-escaped (`&amp;` `&lt;` `&gt;`), so a real `<` can only be ours: `<@U1>`, `<url|x>`,
// `<!here>`. We read those control sequences on the escaped text first, then decode the three entities exactly
// as Slack does and HTML-escape the result, so `&lt;script&gt;` shows as text and never becomes markup.

import type { StoredMessage } from '../test/support/slack-api.js';

export type { StoredMessage };
/** One version of a message, as chat.postMessage / chat.update sent it. */
export type Version = StoredMessage['history'][number];

/** One message as the picture shows it. */
export interface Shown {
  ts: string;
  version: Version;
}

export type Moment = 'offered' | 'applied';

/** The thread file, checked just enough that a wrong file gives a sentence rather than a stack trace. */
export function parseThread(json: unknown): StoredMessage[] {
  if (!Array.isArray(json) || json.length === 0)
    throw new Error('expected a non-empty JSON array of messages');
  for (const [i, m] of json.entries()) {
    const r = record(m);
    if (!r || typeof r.ts !== 'string' || !Array.isArray(r.history) || r.history.length === 0)
      throw new Error(`message ${i}: expected {channel, ts, history: [...]}`);
  }
  return json as StoredMessage[];
}

/**
 * The thread as it looked at `moment`. `applied`: every message's latest version. `offered`: right after the
 * diagnosis, before anyone pressed a button: the parent with its red verdict, the replies before the offer as
 * they ended (the bot finishes them before it posts the offer), and the offer's first version, with its buttons;
 * what came after the offer (test notes, apply steps, the confirming diagnosis) had not been posted yet.
 */
export function atMoment(thread: StoredMessage[], moment: Moment): Shown[] {
  const latest = (m: StoredMessage): Shown => ({ ts: m.ts, version: m.history.at(-1)! });
  if (moment === 'applied') return thread.map(latest);
  const [parent, ...replies] = thread;
  const red = parent?.history.find((v) => JSON.stringify(v).includes(':red_circle:'));
  if (!parent || !red) throw new Error('the parent has no version with a :red_circle: verdict');
  const offer = replies.findIndex((m) => m.history[0]!.blocks?.some((b) => record(b)?.type === 'actions'));
  if (offer < 0) throw new Error('no reply offers a fix (no version with buttons)');
  return [
    { ts: parent.ts, version: red },
    ...replies.slice(0, offer).map(latest),
    { ts: replies[offer]!.ts, version: replies[offer]!.history[0]! },
  ];
}

// ---- mrkdwn ------------------------------------------------------------------------------------------------

/** HTML-escaped text, safe in element content and in double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Slack's own escaping undone: only these three entities, in one pass (`&amp;lt;` shows as `&lt;`). */
export function decodeSlack(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>' })[name]!);
}

/** The shortcodes the bot uses (grep src/slack for ':[a-z_]+:'), plus a few common ones. */
export const EMOJI: Record<string, string> = {
  hourglass_flowing_sand: '\u23f3',
  information_source: '\u2139\ufe0f',
  large_green_circle: '\u{1f7e2}',
  leftwards_arrow_with_hook: '\u21a9\ufe0f',
  mag: '\u{1f50d}',
  no_entry: '\u26d4',
  red_circle: '\u{1f534}',
  warning: '\u26a0\ufe0f',
  white_check_mark: '\u2705',
  wrench: '\u{1f527}',
  x: '\u274c',
  heavy_check_mark: '\u2714\ufe0f',
  rotating_light: '\u{1f6a8}',
};

/**
 * The name shown for a user or channel id when the thread gives none. Slack would look it up; the recorded
 * thread has the test's readable fake ids (U0ALICE, C0INCIDENT), shown as the names they stand for.
 */
export function readableId(id: string): string {
  return /^[UWC]0[A-Z]+$/.test(id) ? id.slice(2).toLowerCase() : id;
}

// Atoms (code, mentions, links, emoji) are rendered first and parked behind private-use markers, so the
// bold/italic pass cannot reach into them; markers typed in the input are replaced so they cannot fake one.
const OPEN = '\ue000';
const CLOSE = '\ue001';

/** Slack mrkdwn as HTML: code blocks, `code`, *bold*, _italic_, ~strike~, mentions, links, :emoji:. */
export function mrkdwnToHtml(mrkdwn: string): string {
  const atoms: string[] = [];
  const park = (html: string): string => `${OPEN}${atoms.push(html) - 1}${CLOSE}`;
  let s = mrkdwn.replace(/[\ue000\ue001]/g, '\ufffd');
  // A code block is a block: the newlines that only separate it from the text around it are not lines.
  s = s.replace(/\n?```\n?([\s\S]*?)\n?```\n?/g, (_, body: string) =>
    park(`<pre>${escapeHtml(decodeSlack(body))}</pre>`),
  );
  s = s.replace(/`([^`\n]+)`/g, (_, body: string) => park(`<code>${escapeHtml(decodeSlack(body))}</code>`));
  s = s.replace(/<([^<>\n]+)>/g, (_, inner: string) => park(controlSequence(inner)));
  s = s.replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => (EMOJI[name] ? park(EMOJI[name]) : whole));
  s = escapeHtml(decodeSlack(s));
  // Slack's rule: a delimiter opens after a non-word character and closes before one; no empty spans.
  for (const [mark, tag] of [
    ['*', 'b'],
    ['_', 'i'],
    ['~', 's'],
  ] as const) {
    const m = mark === '*' ? '\\*' : mark; // `_` and `~` may not be escaped in a /u pattern
    const span = new RegExp(
      `(?<![\\p{L}\\p{N}${m}])${m}([^\\s${m}](?:[^${m}\\n]*?[^\\s${m}])?)${m}(?![\\p{L}\\p{N}${m}])`,
      'gu',
    );
    s = s.replace(span, `<${tag}>$1</${tag}>`);
  }
  s = s.replace(/\n/g, '<br>');
  // An atom can hold earlier ones (a link label with `code` in it): restore until none is left.
  while (s.includes(OPEN))
    s = s.replace(new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g'), (_, n: string) => atoms[Number(n)]!);
  return s;
}

/** `<@U1>`, `<#C1|name>`, `<!here>`, `<!date^…|fallback>`, `<url|label>`: what Slack shows for each. */
function controlSequence(inner: string): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : decodeSlack(inner.slice(bar + 1));
  const chip = (text: string): string => `<span class="mention">${escapeHtml(text)}</span>`;
  if (target.startsWith('@')) return chip(`@${label ?? readableId(target.slice(1))}`);
  if (target.startsWith('#')) return chip(`#${label ?? readableId(target.slice(1))}`);
  if (target.startsWith('!date^')) return escapeHtml(label ?? target);
  if (target.startsWith('!subteam^')) return chip(label ?? '@group');
  if (target.startsWith('!')) return chip(`@${target.slice(1)}`);
  const url = decodeSlack(target);
  // Only web and mail links become links; anything else (javascript:, data:) stays visible text.
  if (!/^(https?:|mailto:)/i.test(url)) return escapeHtml(label ?? url);
  return `<a href="${escapeHtml(url)}">${escapeHtml(label ?? url)}</a>`;
}

/** Plain text (buttons, headers): escaped, with :emoji: shown as Slack does when `emoji` is not false. */
function plainToHtml(text: string): string {
  return escapeHtml(text).replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole);
}

// ---- Block Kit ---------------------------------------------------------------------------------------------

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** A text object (mrkdwn or plain_text) as HTML; anything else as nothing. */
function textObject(v: unknown): string {
  const t = record(v);
  if (typeof t?.text !== 'string') return '';
  return t.type === 'mrkdwn' ? mrkdwnToHtml(t.text) : plainToHtml(t.text);
}

/** One Block Kit block. Unknown kinds are named, so nothing drops out of the picture unnoticed. */
export function blockToHtml(block: unknown): string {
  const b = record(block) ?? {};
  const items = Array.isArray(b.elements) ? b.elements : [];
  switch (b.type) {
    case 'section':
      return `<div class="section">${textObject(b.text)}</div>`;
    case 'context':
      return `<div class="context">${items.map((e) => `<span>${textObject(e)}</span>`).join('')}</div>`;
    case 'divider':
      return '<hr>';
    case 'header':
      return `<div class="header">${textObject(b.text)}</div>`;
    case 'actions':
      // The confirm dialog only opens on a click: the picture shows the buttons as they sit in the thread.
      return `<div class="actions">${items.map(buttonToHtml).join('')}</div>`;
    default:
      return `<div class="context">[${escapeHtml(String(b.type))} block]</div>`;
  }
}

function buttonToHtml(element: unknown): string {
  const e = record(element) ?? {};
  const style = e.style === 'primary' || e.style === 'danger' ? ` ${e.style}` : '';
  return `<span class="button${style}">${textObject(e.text)}</span>`;
}

/** A message's body: its blocks, or its text as mrkdwn when it has none. */
export function messageToHtml(version: Version): string {
  if (version.blocks && version.blocks.length > 0) return version.blocks.map(blockToHtml).join('');
  return `<div class="section">${mrkdwnToHtml(version.text ?? '')}</div>`;
}

// ---- page --------------------------------------------------------------------------------------------------

/** `1795461161.000001` as Slack's short time, in UTC so the picture does not depend on where it is made. */
export function timeOf(ts: string): string {
  const d = new Date(Number(ts.split('.')[0]) * 1000);
  const h = d.getUTCHours();
  return `${h % 12 || 12}:${String(d.getUTCMinutes()).padStart(2, '0')} ${h < 12 ? 'AM' : 'PM'}`;
}

const CSS = `
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: #1d1c1d; font: 15px/1.46668 Lato, 'Helvetica Neue', Arial, sans-serif;
  -webkit-font-smoothing: antialiased; }
.panel { width: 100%; padding-bottom: 12px; }
.top { display: flex; align-items: baseline; gap: 8px; padding: 14px 20px; border-bottom: 1px solid #e8e8e8; }
.top b { font-size: 18px; font-weight: 900; }
.top span { color: #616061; font-size: 13px; }
.msg { display: flex; gap: 8px; padding: 8px 20px; }
.avatar { flex: none; width: 36px; height: 36px; margin-top: 3px; border-radius: 6px; background: #1f5f8b; color: #fff;
  font-weight: 900; font-size: 14px; display: flex; align-items: center; justify-content: center; letter-spacing: .5px; }
.body { min-width: 0; flex: 1; }
.who { display: flex; align-items: baseline; gap: 6px; }
.who b { font-weight: 900; }
.app { font-size: 10px; font-weight: 700; line-height: 1; padding: 2px 3px; border-radius: 2px;
  background: rgba(29,28,29,.13); color: rgba(29,28,29,.7); position: relative; top: -1px; }
.time { font-size: 12px; color: #616061; }
.section { margin: 2px 0 4px; overflow-wrap: anywhere; }
.context { margin: 4px 0; font-size: 13px; color: #616061; overflow-wrap: anywhere; }
.context > span + span { margin-left: 8px; }
.header { font-size: 18px; font-weight: 900; margin: 6px 0; }
hr { border: 0; border-top: 1px solid #dddddd; margin: 10px 0; }
code { font: 12px/1.5 'DejaVu Sans Mono', Menlo, Consolas, monospace; color: #c01343; background: rgba(29,28,29,.04);
  border: 1px solid rgba(29,28,29,.13); border-radius: 3px; padding: 1px 3px; }
pre { font: 12px/1.5 'DejaVu Sans Mono', Menlo, Consolas, monospace; margin: 4px 0; padding: 8px;
  background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 4px;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.mention { color: #1264a3; background: rgba(29,155,209,.1); border-radius: 3px; padding: 0 2px; }
a { color: #1264a3; text-decoration: none; }
.actions { display: flex; gap: 8px; margin: 8px 0 6px; }
.button { font-size: 13px; font-weight: 700; height: 28px; padding: 0 12px; display: inline-flex; align-items: center;
  border: 1px solid rgba(29,28,29,.3); border-radius: 4px; background: #fff; color: #1d1c1d; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.replies { display: flex; align-items: center; gap: 12px; padding: 4px 20px; color: #616061; font-size: 13px; }
.replies::after { content: ''; flex: 1; border-top: 1px solid #e8e8e8; }
`;

/** The whole page: Slack's thread panel with the parent on top, then the replies. No external resources. */
export function threadPage(shown: Shown[], channel: string): string {
  const message = (s: Shown): string =>
    `<div class="msg"><div class="avatar">UD</div><div class="body"><div class="who"><b>upstream-doctor</b>` +
    `<span class="app">APP</span><span class="time">${escapeHtml(timeOf(s.ts))}</span></div>` +
    `${messageToHtml(s.version)}</div></div>`;
  const [parent, ...replies] = shown;
  const count = `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`;
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>thread</title><style>${CSS}</style></head><body>` +
    `<div class="panel"><div class="top"><b>Thread</b><span># ${escapeHtml(readableId(channel))}</span></div>` +
    `${parent ? message(parent) : ''}<div class="replies">${count}</div>${replies.map(message).join('')}</div>` +
    // For render-thread.ts: the height the picture needs, read back with --dump-dom.
    `<script>document.body.dataset.height = String(document.body.scrollHeight)</script></body></html>`
  );
}

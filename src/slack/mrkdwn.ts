// Untrusted text (log lines, config, paths, host names) made safe for Slack's mrkdwn. Slack treats `&`, `<`
// and `>` as control characters: `<!channel>` pings everyone, `<@U1>` a user, `<https://x|y>` hides a link.
// Escaping them as HTML entities is the only sanctioned way to show them literally, and it also holds inside
// code blocks (Slack decodes the entities there too). Control, C1, bidi and other invisible format characters
// are shown as the terminal shows them (`\x1b`, `\u202e`: text/visible.ts's visibleText), so a line in Slack can
// neither be reordered nor hide part of itself. Everything here is pure and never throws.
import { visibleChar } from '../text/visible.js';

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/**
 * How one character of untrusted text is written into mrkdwn, given the one after it: a newline as is
 * (code blocks keep their lines), anything hidden as its visible escape, `&`, `<`, `>` as entities.
 */
function shownChar(char: string, next: string | undefined): string {
  if (char === '\n') return char;
  // No run of two backticks is ever written: "```" in a log line could close our code block early, or open
  // one that swallows the rest of the message. A zero-width space between them keeps them looking the same,
  // and is counted here, so a text cut to its escaped length stays within it (it once doubled in length).
  if (char === '`') return next === '`' ? '`\u200b' : char;
  // A backslash at the end of a line is at the end of what visibleText would see (visibleLines).
  const shown = visibleChar(char, next === '\n' ? undefined : next);
  return ENTITY[shown] ?? shown;
}

/**
 * Calls `each` with how every character of `text` is shown and where it starts and ends (code points, not
 * halves), until `each` returns false.
 */
function forEachShown(text: string, each: (shown: string, start: number, end: number) => boolean): void {
  for (let i = 0; i < text.length;) {
    const char = String.fromCodePoint(text.codePointAt(i)!);
    const end = i + char.length;
    const next = end < text.length ? String.fromCodePoint(text.codePointAt(end)!) : undefined;
    if (each(shownChar(char, next), i, end) === false) return;
    i = end;
  }
}

/**
 * `&`, `<`, `>` as entities and hidden characters as escapes, newlines kept: the text shows as is, can never
 * form a mention, link or command, and no character in it is invisible or reorders the rest.
 */
export function escapeMrkdwn(text: string): string {
  let out = '';
  forEachShown(text, (shown) => {
    out += shown;
    return true;
  });
  return out;
}

// Slack's "automatic parsing" (verbatim: false, or `parse: full`) turns a bare @channel/@here/@everyone into a
// broadcast. We send verbatim text objects, so it should not happen; a word joiner after the @ makes sure.
const BROADCAST = /@(channel|here|everyone|group)\b/gi;
// `:large_green_circle:` in a process name or a path would draw our own verdict's emoji: a zero-width space
// after the first colon keeps the text and stops the emoji. A code has a letter: times (10:35:12) stay whole.
const EMOJI_CODE = /:(?=[0-9_+'-]*[a-z][a-z0-9_+'-]*:)/gi;

/**
 * Prose that came from outside (a title, a detail, a fix summary): escaped, a newline of its own shown as
 * `\x0a` (it could start a line that reads like ours), broadcast words and emoji codes defused, and no run
 * of backticks left that could open a code block swallowing the rest of the message.
 */
export function untrustedProse(text: string): string {
  return escapeMrkdwn(text)
    .replace(/\n/g, '\\x0a')
    .replace(BROADCAST, '@\u2060$1')
    .replace(EMOJI_CODE, ':\u200b');
}

/**
 * The text of a ```code block```: escaped, and with no run of two backticks left, so a "```" in a log line
 * cannot close our block early and let the rest be read as mrkdwn. A zero-width space between backticks keeps
 * them looking the same.
 */
export function codeBlockBody(text: string): string {
  return escapeMrkdwn(text);
}

/** A fenced code block of `text` on its own lines (so a backtick at either end cannot join the fence). */
export function codeBlock(text: string): string {
  const body = codeBlockBody(text);
  return `\`\`\`\n${body.length > 0 ? body : ' '}\n\`\`\``;
}

/**
 * `inline code` of one line of untrusted text: escaped, backticks replaced by a look-alike (one backtick
 * would end the span), newlines by spaces. Keeps `_` and `*` in paths from turning into italics or bold.
 */
export function inlineCode(text: string): string {
  const body = escapeMrkdwn(text)
    .replace(/`\u200b?/g, '\u02cb')
    .replace(/[\r\n]+/g, ' ');
  return body.trim().length > 0 ? `\`${body}\`` : '';
}

/** Length `text` will have once escaped (escapeMrkdwn). */
export function escapedLength(text: string): number {
  let n = 0;
  forEachShown(text, (shown) => {
    n += shown.length;
    return true;
  });
  return n;
}

export interface Cut {
  text: string;
  /** True when something was left out. */
  truncated: boolean;
}

/**
 * The longest prefix of `text` whose ESCAPED form fits in `max` characters (room for the ellipsis included),
 * cut at a line end when one is near, never inside a surrogate pair. Returns raw (unescaped) text: callers
 * escape it, so the cut can never split an entity like `&amp;`.
 */
export function cutToEscapedLength(text: string, max: number): Cut {
  if (escapedLength(text) <= max) return { text, truncated: false };
  const budget = Math.max(0, max - 1); // the "…"
  let used = 0;
  let end = 0;
  // Whole code points only (a surrogate pair is never split). A cut between a backslash and what follows
  // can only make the backslash shorter (one instead of two): the cut text still fits.
  forEachShown(text, (shown, _start, after) => {
    if (used + shown.length > budget) return false;
    used += shown.length;
    end = after;
    return true;
  });
  let cut = text.slice(0, end);
  // Prefer a whole-line cut when it keeps at least half of what fits.
  const newline = cut.lastIndexOf('\n');
  if (newline > 0 && newline >= cut.length / 2) cut = cut.slice(0, newline + 1);
  return { text: `${cut}…`, truncated: true };
}

/** Collapses whitespace runs (newlines included) to one space: for one-line renderings. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** A Slack user id as Slack sends it (U…/W…); anything else must not be put inside `<@…>`. */
export function isUserId(value: string): boolean {
  return /^[UW][A-Z0-9]{2,30}$/.test(value);
}

/** `<@U…>` for a valid user id; otherwise the value shown escaped (never a mention). */
export function mention(userId: string): string {
  return isUserId(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

// Untrusted text (log lines, config, paths, host names) made safe for Slack's mrkdwn. Slack treats `&`, `<`
// and `>` as control characters: `<!channel>` pings everyone, `<@U1>` a user, `<https://x|y>` hides a link.
// Escaping them as HTML entities is the only sanctioned way to show them literally, and it also holds inside
// code blocks (Slack decodes the entities there too). Everything here is pure and never throws.

const ENTITY: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** `&`, `<`, `>` as entities: the text shows as is and can never form a mention, link or command. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITY[c]!);
}

// Slack's "automatic parsing" (verbatim: false, or `parse: full`) turns a bare @channel/@here/@everyone into a
// broadcast. We send verbatim text objects, so it should not happen; a word joiner after the @ makes sure.
const BROADCAST = /@(channel|here|everyone|group)\b/gi;

/**
 * Prose that came from outside (a title, a detail, a fix summary): escaped, broadcast words defused, and no
 * run of backticks left that could open a code block swallowing the rest of the message.
 */
export function untrustedProse(text: string): string {
  return escapeMrkdwn(text)
    .replace(BROADCAST, '@\u2060$1')
    .replace(/`(?=`)/g, '`\u200b');
}

/**
 * The text of a ```code block```: escaped, and with no run of two backticks left, so a "```" in a log line
 * cannot close our block early and let the rest be read as mrkdwn. A zero-width space between backticks keeps
 * them looking the same.
 */
export function codeBlockBody(text: string): string {
  return escapeMrkdwn(text).replace(/`(?=`)/g, '`\u200b');
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
    .replace(/`/g, '\u02cb')
    .replace(/[\r\n]+/g, ' ');
  return body.trim().length > 0 ? `\`${body}\`` : '';
}

/** Length `text` will have once escaped, without building it. */
export function escapedLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 38)
      n += 4; // & → &amp;
    else if (c === 60 || c === 62) n += 3; // < → &lt;  > → &gt;
  }
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
  while (end < text.length) {
    const c = text.charCodeAt(end);
    const width = c === 38 ? 5 : c === 60 || c === 62 ? 4 : 1;
    // A high surrogate and its low surrogate go together or not at all.
    const pair = c >= 0xd800 && c <= 0xdbff && end + 1 < text.length ? 2 : 1;
    if (used + width + (pair - 1) > budget) break;
    used += width + (pair - 1);
    end += pair;
  }
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

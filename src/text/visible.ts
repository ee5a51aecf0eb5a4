// Host text made safe for a terminal: every string a host printed (or a client nginx logged: a Referer, a URI)
// is shown through visibleText, so a line of it can never move the cursor, clear the screen, write the
// clipboard (OSC 52) or reorder what the reader sees. Below every renderer (terminal, Slack, audit, doctor),
// because each of them shows host text.

/**
 * Characters host text may not put on a screen raw: C0 controls but tab (ESC, CR, BS, BEL…), DEL, C1
 * (U+0080–U+009F: a terminal may read U+009B as CSI), format characters (Cf: the bidi embeddings,
 * overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks U+200E/U+200F/U+061C, zero-width
 * spaces and joiners, U+FEFF, the invisible tag characters U+E0000–U+E007F), the line and paragraph
 * separators U+2028/U+2029, and lone surrogates. Tab stays: it only moves right, over nothing, and config
 * lines are indented with it. Look-alike letters and combining marks are left alone (they cannot move or
 * hide text). Matched one code point at a time.
 */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;

function hidden(char: string): boolean {
  return char !== '\t' && HIDDEN.test(char);
}

/** `\x1b` for a control character (all are below U+00A0), `\u202e` or `\u{e0041}` for the others. */
function escapeOf(char: string): string {
  const cp = char.codePointAt(0)!;
  if (cp < 0xa0) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

/**
 * Host text as it may be shown on a terminal (or in Slack): every hidden character (HIDDEN) as its escape,
 * `\x1b`, `\x0a`, `\u202e`. A backslash of the host's stays as it is (`location ~ \.php$` reads as written)
 * unless what follows could be read as one of our escapes: then it is doubled (`\\x1b` is the four
 * characters the host wrote, `\x1b` a real ESC). Newlines are escaped too: split multi-line text first
 * (visibleLines).
 */
export function visibleText(text: string): string {
  let out = '';
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) out += visibleChar(chars[i]!, chars[i + 1]);
  return out;
}

/** How one character of host text is shown, given the one after it (a backslash depends on it). */
export function visibleChar(char: string, next: string | undefined): string {
  if (char === '\\')
    return next !== undefined && (next === '\\' || next === 'x' || next === 'u' || hidden(next))
      ? '\\\\'
      : '\\';
  return hidden(char) ? escapeOf(char) : char;
}

/** visibleText of each line, the newlines kept: for text shown as lines (evidence, a diff, a code block). */
export function visibleLines(text: string): string {
  return text.split('\n').map(visibleText).join('\n');
}

/**
 * JSON for a terminal or a pipe: JSON.stringify's text, with C1, DEL, format characters and the line
 * separators written as \u escapes too (JSON.stringify escapes only C0 and lone surrogates). The same value parses back —
 * the host's text stays exact — and no raw control or bidi character reaches whoever reads it.
 */
export function printableJson(value: unknown, indent?: number): string {
  return printableJsonText(JSON.stringify(value, null, indent) ?? 'null');
}

/** What JSON.stringify leaves raw but a terminal must not get: DEL, C1, Cf, U+2028/U+2029. */
const JSON_RAW = /[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu;

/** printableJson of JSON text already made (crossplane's layout): the same escapes, the same value. */
export function printableJsonText(json: string): string {
  // Outside strings JSON writes only ASCII (its newlines and spaces are not matched): every match is
  // inside a string, where a \u escape means the same character.
  return json.replace(JSON_RAW, (c) => {
    let out = '';
    for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}

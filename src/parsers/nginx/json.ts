// The payload as `crossplane parse` prints it, byte for byte: Python's json.dumps with ensure_ascii
// (every character outside printable ASCII as \uXXXX, lower-case hex), compact separators by default,
// or `indent` spaces per level with ", " / ": " as Python uses them (indent 0 means newlines, no spaces).

import type { Payload } from '../../model/nginx-config.js';

/** A gap character JSON.stringify never emits raw (control characters inside strings are escaped). */
const GAP = '\u0001';

export function toCrossplaneJson(payload: Payload, indent?: number): string {
  let json: string;
  if (indent === undefined) {
    json = JSON.stringify(payload);
  } else {
    const spaces = ' '.repeat(Math.max(0, Math.floor(indent)));
    json = JSON.stringify(payload, null, GAP).replaceAll(GAP, spaces);
  }
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

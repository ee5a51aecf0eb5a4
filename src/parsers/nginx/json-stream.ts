// nginx-json's fast path: a config (or `nginx -T` output) read straight into the bytes `crossplane parse`
// prints, without the payload objects, the resolved tree or one giant string. The parser hands each
// directive to a writer that appends its JSON to 1 MiB byte chunks; what comes out is the list of chunks,
// written to stdout one at a time. Byte for byte what toCrossplaneJson (json.ts) makes of the payload:
// JSON.stringify's layout and escapes, and every character from U+007F up as a lower-case \uXXXX (each
// UTF-16 unit on its own, as Python's ensure_ascii does), so the output is ASCII and latin1 is its encoding.
//
// The payload's `status` and `errors` come first, and each file's before its `parsed`: they are known only
// once everything is read, so the chunks are held until then. That is the output's size (about twice the
// config's), where the objects were several times more.

import type { ConfigSource, FileError, Payload } from '../../model/nginx-config.js';
import { memorySource, payloadStatus, walkConfig, type ParseConfigOptions } from './config.js';
import { headerlessPayload, heldFiles, splitDump } from './dump.js';
import { toCrossplaneJson } from './json.js';
import { type DirectiveSink, parseInto } from './parser.js';

const CHUNK = 1 << 20;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
const HEX = '0123456789abcdef';

/** The two-character escapes JSON.stringify uses; every other character below U+0020 is \u00XX. */
const SHORT_ESCAPES: Record<number, number> = { 8: 98, 9: 116, 10: 110, 12: 102, 13: 114, 34: 34, 92: 92 };
/** 1 for an ASCII character written as it is inside a JSON string. */
const PLAIN = new Uint8Array(128);
for (let c = 0x20; c < 0x7f; c++) PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** Writes `text`, known to need no escaping, at `pos`; returns the position after it. */
function putAscii(buf: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) buf[pos++] = text.charCodeAt(i);
  return pos;
}

/** Writes `text` as a JSON string with crossplane's escapes (see the top of the file): 6 bytes a unit at most. */
function putString(buf: Uint8Array, pos: number, text: string): number {
  buf[pos++] = QUOTE;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 128 && PLAIN[c] === 1) {
      buf[pos++] = c;
      continue;
    }
    buf[pos++] = BACKSLASH;
    const short = SHORT_ESCAPES[c];
    if (short !== undefined) {
      buf[pos++] = short;
      continue;
    }
    buf[pos++] = 117; // u
    buf[pos++] = HEX.charCodeAt(c >> 12);
    buf[pos++] = HEX.charCodeAt((c >> 8) & 15);
    buf[pos++] = HEX.charCodeAt((c >> 4) & 15);
    buf[pos++] = HEX.charCodeAt(c & 15);
  }
  buf[pos++] = QUOTE;
  return pos;
}

/** Room putString needs for `text`. */
const stringRoom = (text: string): number => text.length * 6 + 2;
/** Room putInt needs (a line number or an index: below 2^31). */
const INT_ROOM = 10;
/** How many directive names' heads a layout keeps (nginx has about 800 directives). */
const HEADS = 4096;

/** Writes a whole number below 2^31 in decimal. */
function putInt(buf: Uint8Array, pos: number, n: number): number {
  if (n < 10) {
    buf[pos] = 48 + n;
    return pos + 1;
  }
  let digits = 1;
  for (let m = n; m >= 10; m = (m / 10) | 0) digits++;
  let p = pos + digits;
  while (n >= 10) {
    const q = (n / 10) | 0;
    buf[--p] = 48 + n - q * 10;
    n = q;
  }
  buf[p - 1] = 48 + n;
  return pos + digits;
}

/** Appends ASCII bytes to a list of chunks. Nothing is copied twice: a full chunk is kept as it is. */
export class ByteWriter {
  private readonly chunks: Uint8Array[] = [];
  private buf: Uint8Array = Buffer.allocUnsafe(CHUNK);
  /** Where the next byte goes in the buffer `reserve` returned. */
  pos = 0;
  /** Where the part of `buf` not yet in `chunks` starts. */
  private start = 0;

  /** The buffer to write the next `n` bytes into, from `pos` (which the caller moves on). */
  reserve(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) {
      this.cut();
      this.buf = Buffer.allocUnsafe(Math.max(CHUNK, n)); // every byte is written before it is kept
      this.pos = 0;
      this.start = 0;
    }
    return this.buf;
  }

  private cut(): void {
    if (this.pos > this.start) this.chunks.push(this.buf.subarray(this.start, this.pos));
    this.start = this.pos;
  }

  byte(c: number): void {
    this.reserve(1)[this.pos++] = c;
  }

  /** Text known to need no escaping (punctuation, keys, indentation). */
  ascii(text: string): void {
    this.pos = putAscii(this.reserve(text.length), this.pos, text);
  }

  string(text: string): void {
    this.pos = putString(this.reserve(stringRoom(text)), this.pos, text);
  }

  /** Appends what `other` holds (its chunks are taken over, not copied). */
  append(other: ByteWriter): void {
    this.cut();
    for (const chunk of other.done()) this.chunks.push(chunk);
  }

  /** The chunks written so far; the writer may go on after. */
  done(): Uint8Array[] {
    this.cut();
    return this.chunks;
  }
}

/** Indentation as JSON.stringify lays it out: `--indent N` spaces per level, or nothing at all (compact). */
class Layout {
  private readonly newlines: string[] = [];
  /** `": "` when indented, `":"` when compact. */
  readonly colon: string;

  constructor(readonly indent: number | undefined) {
    this.colon = indent === undefined ? ':' : ': ';
  }

  /** A line break and the indentation of `level`; '' when compact. */
  nl(level: number): string {
    if (this.indent === undefined) return '';
    let s = this.newlines[level];
    if (s === undefined) {
      s = `\n${' '.repeat(this.indent * level)}`;
      this.newlines[level] = s;
    }
    return s;
  }

  newline(w: ByteWriter, level: number): void {
    if (this.indent !== undefined) w.ascii(this.nl(level));
  }

  /** `"name":` after the line break of `level` (and a `,` before, but for the first key). */
  key(w: ByteWriter, level: number, name: string, first = false): void {
    w.ascii(`${first ? '' : ','}${this.nl(level)}"${name}"${this.colon}`);
  }
}

/**
 * The fixed text around the parts of a directive object standing at `level`, for one layout (in the
 * compact one, the same at every level).
 */
class Fragments {
  /** `{"directive":` */
  readonly open: string;
  /** `,"line":` */
  readonly line: string;
  /** `,"args":[` */
  readonly args: string;
  /** `,"includes":[` */
  readonly includes: string;
  /** Before the first element of `args` or `includes`, and before each further one (with its `,`). */
  readonly first: string;
  readonly next: string;
  /** `]` after a non-empty list (an empty one is just `[]`). */
  readonly listEnd: string;
  /** `,"block":[` */
  readonly block: string;
  /** `}` of a directive without a block. */
  readonly end: string;
  /** `]}` ending a block with directives, and an empty one. */
  readonly closeFull: string;
  readonly closeEmpty: string;
  /** Room for all of the above but the list elements. */
  readonly room: number;
  /** `{"directive":"NAME","line":` by directive name, for the names met first (a config has few). */
  private readonly heads = new Map<string, Uint8Array>();

  constructor(layout: Layout, level: number) {
    const key = (name: string): string => `,${layout.nl(level + 1)}"${name}"${layout.colon}`;
    this.open = `${layout.nl(level)}{${key('directive').slice(1)}`;
    this.line = key('line');
    this.args = `${key('args')}[`;
    this.includes = `${key('includes')}[`;
    this.first = layout.nl(level + 2);
    this.next = `,${this.first}`;
    this.listEnd = `${layout.nl(level + 1)}]`;
    this.block = `${key('block')}[`;
    this.end = `${layout.nl(level)}}`;
    this.closeFull = `${layout.nl(level + 1)}]${this.end}`;
    this.closeEmpty = `]${this.end}`;
    this.room =
      1 +
      this.open.length +
      this.line.length +
      this.args.length +
      this.includes.length +
      2 * this.listEnd.length +
      Math.max(this.block.length, this.end.length) +
      2 * INT_ROOM;
  }

  /** The bytes before a directive's line number, or undefined past HEADS names (a hostile config's). */
  head(name: string): Uint8Array | undefined {
    let bytes = this.heads.get(name);
    if (bytes === undefined) {
      if (this.heads.size >= HEADS) return undefined;
      bytes = new Uint8Array(this.open.length + stringRoom(name) + this.line.length);
      let pos = putAscii(bytes, 0, this.open);
      pos = putString(bytes, pos, name);
      pos = putAscii(bytes, pos, this.line);
      bytes = bytes.slice(0, pos);
      this.heads.set(name, bytes);
    }
    return bytes;
  }
}

/**
 * The directives of one file's `parsed`, at the depth they stand in the payload (its items at level 4).
 * Per open block: how many items it has so far (the `,` between them, and an empty block is `[]`).
 * Each directive is written in one go into room reserved for it.
 */
class DirectiveJson implements DirectiveSink {
  private readonly counts: number[] = [0];
  private depth = 0;
  private readonly fragments: Fragments[] = [];

  constructor(
    private readonly w: ByteWriter,
    private readonly layout: Layout,
  ) {}

  /** The fragments of directives at `depth` (their objects at level 4 + 2·depth; all alike when compact). */
  private at(depth: number): Fragments {
    const key = this.layout.indent === undefined ? 0 : depth;
    let f = this.fragments[key];
    if (f === undefined) {
      f = new Fragments(this.layout, 4 + 2 * depth);
      this.fragments[key] = f;
    }
    return f;
  }

  directive(
    name: string,
    line: number,
    args: readonly string[],
    argc: number,
    includes: number[] | undefined,
    block: boolean,
  ): void {
    const d = this.depth;
    const f = this.at(d);
    let room = f.room + stringRoom(name);
    for (let i = 0; i < argc; i++) room += f.next.length + stringRoom(args[i]!);
    if (includes !== undefined) room += includes.length * (f.next.length + INT_ROOM);
    const w = this.w;
    const buf = w.reserve(room);
    let pos = w.pos;
    if (this.counts[d]!++ > 0) buf[pos++] = COMMA;
    const head = f.head(name);
    if (head !== undefined) {
      for (let i = 0; i < head.length; i++) buf[pos++] = head[i]!;
    } else {
      pos = putAscii(buf, pos, f.open);
      pos = putString(buf, pos, name);
      pos = putAscii(buf, pos, f.line);
    }
    pos = putInt(buf, pos, line);
    pos = putAscii(buf, pos, f.args);
    if (argc > 0) {
      for (let i = 0; i < argc; i++) {
        pos = putAscii(buf, pos, i === 0 ? f.first : f.next);
        pos = putString(buf, pos, args[i]!);
      }
      pos = putAscii(buf, pos, f.listEnd);
    } else {
      buf[pos++] = RBRACKET;
    }
    if (includes !== undefined) {
      pos = putAscii(buf, pos, f.includes);
      if (includes.length > 0) {
        for (let i = 0; i < includes.length; i++) {
          pos = putAscii(buf, pos, i === 0 ? f.first : f.next);
          pos = putInt(buf, pos, includes[i]!);
        }
        pos = putAscii(buf, pos, f.listEnd);
      } else {
        buf[pos++] = RBRACKET;
      }
    }
    if (block) {
      pos = putAscii(buf, pos, f.block);
      this.counts[++this.depth] = 0;
    } else {
      pos = putAscii(buf, pos, f.end);
    }
    w.pos = pos;
  }

  close(): void {
    const d = this.depth--;
    const f = this.at(d - 1);
    this.w.ascii(this.counts[d]! > 0 ? f.closeFull : f.closeEmpty);
  }

  /** Whether `parsed` has any directive. */
  any(): boolean {
    return this.counts[0]! > 0;
  }
}

/** A small JSON value (the error lists) laid out as JSON.stringify lays it out at `level`. */
function writeValue(w: ByteWriter, layout: Layout, value: unknown, level: number): void {
  if (value === null) w.ascii('null');
  else if (typeof value === 'string') w.string(value);
  else if (typeof value === 'number') w.ascii(JSON.stringify(value));
  else if (Array.isArray(value)) {
    w.byte(LBRACKET);
    value.forEach((v, i) => {
      if (i > 0) w.byte(COMMA);
      layout.newline(w, level + 1);
      writeValue(w, layout, v, level + 1);
    });
    if (value.length > 0) layout.newline(w, level);
    w.byte(RBRACKET);
  } else {
    const entries = Object.entries(value as object).filter(([, v]) => v !== undefined);
    w.byte(LBRACE);
    entries.forEach(([k, v], i) => {
      layout.key(w, level + 1, k, i === 0);
      writeValue(w, layout, v, level + 1);
    });
    if (entries.length > 0) layout.newline(w, level);
    w.byte(RBRACE);
  }
}

export interface CrossplaneJson {
  /** The JSON and a final newline, as ASCII bytes in order. */
  chunks: Uint8Array[];
  status: Payload['status'];
}

/**
 * What `crossplane parse` prints for `main` and its includes (with a newline), as toCrossplaneJson would
 * make it of parseConfig's payload. `indent` as in toCrossplaneJson.
 */
export function crossplaneJsonOf(
  main: string,
  source: ConfigSource,
  options: ParseConfigOptions & { indent?: number } = {},
): CrossplaneJson {
  const indent = options.indent === undefined ? undefined : Math.max(0, Math.floor(options.indent));
  const layout = new Layout(indent);
  const bodies: { w: ByteWriter; any: boolean }[] = [];
  const { files } = walkConfig(main, source, options, (text, file, index, fileOptions) => {
    const w = new ByteWriter();
    const sink = new DirectiveJson(w, layout);
    const errors = parseInto(text, file, fileOptions, sink);
    bodies[index] = { w, any: sink.any() };
    return errors;
  });
  const { status, errors } = payloadStatus(files);

  const out = new ByteWriter();
  out.byte(LBRACE);
  layout.key(out, 1, 'status', true);
  out.string(status);
  layout.key(out, 1, 'errors');
  writeValue(out, layout, errors, 1);
  layout.key(out, 1, 'config');
  out.byte(LBRACKET);
  files.forEach(({ file, errors: own }: { file: string; errors: FileError[] }, i) => {
    if (i > 0) out.byte(COMMA);
    layout.newline(out, 2);
    out.byte(LBRACE);
    layout.key(out, 3, 'file', true);
    out.string(file);
    layout.key(out, 3, 'status');
    out.string(own.length > 0 ? 'failed' : 'ok');
    layout.key(out, 3, 'errors');
    writeValue(out, layout, own, 3);
    layout.key(out, 3, 'parsed');
    out.byte(LBRACKET);
    const body = bodies[i];
    if (body) {
      out.append(body.w);
      if (body.any) layout.newline(out, 3);
    }
    out.byte(RBRACKET);
    layout.newline(out, 2);
    out.byte(RBRACE);
  });
  if (files.length > 0) layout.newline(out, 1);
  out.byte(RBRACKET);
  layout.newline(out, 0);
  out.byte(RBRACE);
  out.byte(10);
  return { chunks: out.done(), status };
}

/** crossplaneJsonOf for `nginx -T` output (parseDump's payload): the first dumped file is the main one. */
export function crossplaneJsonOfDump(
  text: string,
  options: ParseConfigOptions & { indent?: number } = {},
): CrossplaneJson {
  const { files } = splitDump(text);
  const main = files[0];
  if (!main) {
    // No file at all: parseDump's one-error payload, small enough for the object path.
    const payload = headerlessPayload();
    const w = new ByteWriter();
    w.ascii(`${toCrossplaneJson(payload, options.indent)}\n`);
    return { chunks: w.done(), status: payload.status };
  }
  return crossplaneJsonOf(main.file, memorySource(heldFiles(files)), options);
}

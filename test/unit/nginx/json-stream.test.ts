// nginx-json's streaming writer (json-stream.ts) against the object path it replaces: for every fixture
// tree, dump and broken config, for random configs and random text with any Unicode, and in every layout
// (compact, --indent 0, 2, 7), its bytes are exactly `toCrossplaneJson(payload)` + printableJsonText + LF,
// which is what nginx-json printed before it streamed.
import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConfigSource } from '../../../src/model/nginx-config.js';
import { memorySource, parseConfig } from '../../../src/parsers/nginx/config.js';
import { parseDump } from '../../../src/parsers/nginx/dump.js';
import { toCrossplaneJson } from '../../../src/parsers/nginx/json.js';
import { crossplaneJsonOf, crossplaneJsonOfDump } from '../../../src/parsers/nginx/json-stream.js';
import { printableJsonText } from '../../../src/text/visible.js';
import { ERRORS, MOUNT, mountedAt, RECORDED, readFixture, TREES } from './fixtures.js';

const MAIN = `${MOUNT}/nginx.conf`;
const LAYOUTS = [undefined, 0, 2, 7];

function text(chunks: Uint8Array[]): string {
  return chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.length).toString('latin1')).join('');
}

function expectSame(main: string, source: ConfigSource): void {
  for (const indent of LAYOUTS) {
    const payload = parseConfig(main, source).payload;
    const json = crossplaneJsonOf(main, source, indent === undefined ? {} : { indent });
    expect(text(json.chunks)).toBe(`${printableJsonText(toCrossplaneJson(payload, indent))}\n`);
    expect(json.status).toBe(payload.status);
  }
}

function expectSameDump(dump: string): void {
  for (const indent of LAYOUTS) {
    const payload = parseDump(dump).payload;
    const json = crossplaneJsonOfDump(dump, indent === undefined ? {} : { indent });
    expect(text(json.chunks)).toBe(`${printableJsonText(toCrossplaneJson(payload, indent))}\n`);
    expect(json.status).toBe(payload.status);
  }
}

describe('crossplaneJsonOf: the bytes toCrossplaneJson makes of the payload', () => {
  for (const tree of readdirSync(TREES).sort())
    it(`fixture tree ${tree}`, () => expectSame(MAIN, mountedAt(TREES + tree)));

  for (const broken of readdirSync(ERRORS).sort())
    it(`broken tree ${broken}`, () => expectSame(MAIN, mountedAt(ERRORS + broken)));

  for (const dump of readdirSync(RECORDED).filter((f) => f.endsWith('.nginx-T.txt')))
    it(`nginx -T output ${dump}`, () => expectSameDump(readFixture(`recorded/${dump}`)));

  it('nginx -T output without any file header, and an empty file', () => {
    expectSameDump('nginx: [emerg] unknown directive "x"\n');
    expectSameDump('');
    expectSame('/e.conf', memorySource(new Map([['/e.conf', '']])));
  });

  it('a main file that cannot be read, and includes that cannot', () => {
    expectSame('/missing.conf', memorySource(new Map()));
    const files = new Map([['/n/nginx.conf', 'http { include nope.conf; include conf.d/*.conf; }\n']]);
    expectSame('/n/nginx.conf', memorySource(files));
  });

  it('escapes as crossplane does: quotes, backslashes, controls, DEL, C1, bidi, astral, lone surrogates', () => {
    const config =
      'set $a "q\\"uote" \'s\\\'q\' back\\\\slash "tab\there" "nl\nline" "\u0001\u001f\u007f\u0080\u009b";\n' +
      'set $b "é ü ß € \u200b \u202e \u2028 \ufeff 😀 \u{e0041}" "\ud800" "\udfff x";\n' +
      'server_name "\u00a0nbsp" caf\u00e9.example.com; # ü in a comment\n' +
      'if ( $x = "y" ) { return 200 "(ok)"; }\n' +
      'content_by_lua_block { ngx.say("é}") }\n' +
      'location ~ ^/(a|b)$ { }\n';
    expectSame('/u.conf', memorySource(new Map([['/u.conf', config]])));
    expectSame('/ü/😀.conf', memorySource(new Map([['/ü/😀.conf', config]])));
  });

  it('blocks nested past MAX_DEPTH, and a file left open at the end', () => {
    expectSame('/d.conf', memorySource(new Map([['/d.conf', 'a {'.repeat(210)]])));
    expectSame('/o.conf', memorySource(new Map([['/o.conf', 'http { server { listen 80; location / {']])));
  });

  it('a string longer than a chunk (1 MiB), and output spanning many chunks', () => {
    const long = `set $x "${'é'.repeat(300_000)}";\n`;
    expectSame('/l.conf', memorySource(new Map([['/l.conf', long]])));
    const many =
      'http {\n' +
      'server { listen 80; server_name a.example; location / { return 200; } }\n'.repeat(6_000) +
      '}\n';
    const json = crossplaneJsonOf('/m.conf', memorySource(new Map([['/m.conf', many]])));
    expect(json.chunks.length).toBeGreaterThan(1);
    expectSame('/m.conf', memorySource(new Map([['/m.conf', many]])));
  });
});

/** Pieces that mean something to the lexer, the Lua scanner or the include follower, and any Unicode. */
const piece = fc.oneof(
  fc.constantFrom(
    '{',
    '}',
    ';',
    '"',
    "'",
    '\\',
    '#',
    '$',
    '${',
    '(',
    ')',
    '\n',
    ' ',
    '\t',
    '\r\n',
    'http',
    'server',
    'location',
    'if',
    'include',
    'listen',
    'events',
    'upstream',
    'map',
    'content_by_lua_block',
    'x.conf',
    'conf.d/*.conf',
    '/n/y.conf',
    '80',
    'a',
  ),
  fc.string({ maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
  fc.string({ unit: 'binary', maxLength: 3 }),
);
const configText = fc.array(piece, { maxLength: 60 }).map((parts) => parts.join(''));

describe('crossplaneJsonOf over random configs', () => {
  it('random files that include each other, in every layout', () => {
    const names = ['/n/nginx.conf', '/n/x.conf', '/n/conf.d/a.conf', '/n/y.conf'];
    fc.assert(
      fc.property(fc.array(configText, { minLength: 4, maxLength: 4 }), (texts) => {
        expectSame('/n/nginx.conf', memorySource(new Map(names.map((n, i) => [n, texts[i]!] as const))));
      }),
      { numRuns: 400 },
    );
  });

  it('random nginx -T output', () => {
    const dump = fc
      .array(
        fc.oneof(
          configText,
          fc.constantFrom('# configuration file /n/nginx.conf:\n', '# configuration file /n/x.conf:\n'),
        ),
        { maxLength: 6 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(dump, (d) => expectSameDump(d)),
      { numRuns: 300 },
    );
  });
});

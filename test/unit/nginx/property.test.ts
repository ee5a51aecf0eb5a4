import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PayloadDirective } from '../../../src/model/nginx-config.js';
import { memorySource, parseConfig } from '../../../src/parsers/nginx/config.js';
import { parseDump } from '../../../src/parsers/nginx/dump.js';
import { compileGlob } from '../../../src/parsers/nginx/glob.js';
import { toCrossplaneJson } from '../../../src/parsers/nginx/json.js';
import { lex } from '../../../src/parsers/nginx/lexer.js';
import { parseFile } from '../../../src/parsers/nginx/parser.js';
import { walk } from '../../../src/parsers/nginx/resolve.js';

/** Pieces that mean something to nginx's lexer, Lua's scanner or the include follower, mixed with noise. */
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
    '[',
    ']',
    '[[',
    ']]',
    '[==[',
    ']==]',
    '--',
    '-',
    '\n',
    '\r\n',
    ' ',
    '\t',
    '*',
    '?',
    '/',
    '.',
    '=',
    'http',
    'server',
    'location',
    'upstream',
    'map',
    'types',
    'if',
    'include',
    'listen',
    'proxy_pass',
    'content_by_lua_block',
    'set_by_lua_block',
    'a',
    'b',
    '80',
    'conf.d/*.conf',
    'x.conf',
    '/etc/nginx/y.conf',
    '# configuration file /etc/nginx/x.conf:\n',
  ),
  fc.string({ maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 3 }),
);
const configText = fc.array(piece, { maxLength: 80 }).map((parts) => parts.join(''));

function lineCount(text: string): number {
  return text.split('\n').length;
}

describe('random input never throws', () => {
  it('lex: always ends with eof or error, lines never go backwards', () => {
    fc.assert(
      fc.property(configText, (text) => {
        const tokens = lex(text);
        const end = tokens[tokens.length - 1]!;
        expect(['eof', 'error']).toContain(end.kind);
        for (let i = 1; i < tokens.length; i++)
          expect(tokens[i]!.line).toBeGreaterThanOrEqual(tokens[i - 1]!.line);
        expect(end.line).toBeLessThanOrEqual(lineCount(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('parseFile: returns directives and errors whose lines lie in the file', () => {
    fc.assert(
      fc.property(configText, (text) => {
        const { parsed, errors } = parseFile(text, '/f.conf');
        expect(Array.isArray(parsed)).toBe(true);
        for (const e of errors) {
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.line).toBeLessThanOrEqual(lineCount(text));
          expect(e.error).toMatch(/ in \/f\.conf:\d+$/);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('parseConfig over random files that include each other: payload, JSON and tree are sound', () => {
    const names = ['/n/nginx.conf', '/n/x.conf', '/n/conf.d/a.conf', '/etc/nginx/y.conf'];
    fc.assert(
      fc.property(fc.array(configText, { minLength: 4, maxLength: 4 }), (texts) => {
        const files = new Map(names.map((n, i) => [n, texts[i]!] as const));
        const { payload, tree, sources } = parseConfig('/n/nginx.conf', memorySource(files));
        expect(payload.status).toBe(payload.errors.length === 0 ? 'ok' : 'failed');
        expect(payload.config[0]!.file).toBe('/n/nginx.conf');
        expect(JSON.parse(toCrossplaneJson(payload))).toEqual(payload);
        for (const c of payload.config) expect(sources.has(c.file) || c.errors.length > 0).toBe(true);
        walk(tree, (node) => {
          expect(payload.config.some((c) => c.file === node.file)).toBe(true);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('glob patterns: any pattern compiles and matches without throwing; a name matches itself', () => {
    const globChar = fc.constantFrom(
      '*',
      '?',
      '[',
      ']',
      '!',
      '^',
      '-',
      '\\',
      '/',
      '.',
      'a',
      'b',
      'z',
      '(',
      ')',
      '$',
      '{',
    );
    const pattern = fc
      .array(fc.oneof(globChar, fc.string({ maxLength: 2 })), { maxLength: 20 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(pattern, fc.string({ maxLength: 12 }), (p, name) => {
        const matches = compileGlob(p);
        expect(typeof matches(name)).toBe('boolean');
        const literal = name.replace(/[*?[\\]/g, '');
        if (!literal.split('/').some((part) => part.startsWith('.')))
          expect(compileGlob(literal)(literal)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('parseDump: any text, with or without headers', () => {
    fc.assert(
      fc.property(configText, configText, (a, b) => {
        for (const text of [a, `${a}\n# configuration file /etc/nginx/nginx.conf:\n${b}`]) {
          const r = parseDump(text);
          expect(['ok', 'failed']).toContain(r.payload.status);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

/** A random well-formed config: directives with plain and quoted arguments, nested blocks. */
interface Gen {
  directive: string;
  args: { text: string; value: string }[];
  block?: Gen[];
}

const name = fc
  .stringMatching(/^[a-z_][a-z0-9_]{0,10}$/)
  .filter((n) => !n.endsWith('_by_lua_block') && n !== 'if');
const plainArg = fc.stringMatching(/^[a-zA-Z0-9_/.:=~^*$-]{1,12}$/).map((v) => ({ text: v, value: v }));
const quotedArg = fc
  .string({ maxLength: 12 })
  .filter((s) => !s.includes('"') && !s.includes('\\'))
  .map((v) => ({ text: `"${v}"`, value: v }));
const directive: fc.Memo<Gen> = fc.memo((depth) =>
  fc.record(
    {
      directive: name,
      args: fc.array(fc.oneof(plainArg, quotedArg), { maxLength: 4 }),
      block: depth > 1 ? fc.array(directive(depth - 1), { maxLength: 4 }) : fc.constant([]),
    },
    { requiredKeys: ['directive', 'args'] },
  ),
);

function render(list: Gen[], indent: string): string {
  return list
    .map((d) => {
      const head = [d.directive, ...d.args.map((a) => a.text)].join(' ');
      return d.block
        ? `${indent}${head} {\n${render(d.block, `${indent}  `)}${indent}}\n`
        : `${indent}${head};\n`;
    })
    .join('');
}

function shape(list: Gen[]): unknown[] {
  return list.map((d) => ({
    directive: d.directive,
    args: d.args.map((a) => a.value),
    ...(d.block ? { block: shape(d.block) } : {}),
  }));
}

function strip(list: PayloadDirective[]): unknown[] {
  return list.map((d) => ({
    directive: d.directive,
    args: d.args,
    ...(d.block ? { block: strip(d.block) } : {}),
  }));
}

describe('well-formed configs', () => {
  it('parse back to the directives they were written from', () => {
    fc.assert(
      fc.property(fc.array(directive(4), { maxLength: 6 }), (gens) => {
        // Run in a context the directive table does not check, so any generated name is fine.
        const { parsed, errors } = parseFile(render(gens, ''), '/g.conf', { ctx: 'http/map' });
        expect(errors).toEqual([]);
        expect(strip(parsed)).toEqual(shape(gens));
      }),
      { numRuns: 500 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseInventory } from '../../../src/inventory/index.js';
import { inventoryForChannel, parseChannelHosts } from '../../../src/slack/channel-hosts.js';
import {
  chooseTargets,
  parseCommandText,
  understood,
} from '../../../src/slack/command.js';

const opts = { source: '/srv/hosts.yml', baseDir: '/', home: '/root', localUser: 'root' };
const parsed = parseInventory(
  `hosts:
  web-01: { address: 10.0.0.11, tags: [web, prod] }
  web-02: { address: 10.0.0.12, tags: [web] }
  db-01: { address: 10.0.0.21, tags: [db, prod] }
`,
  opts,
);
if (!parsed.ok) throw new Error(parsed.error.join('\n'));
const inventory = parsed.value;

describe('parseCommandText', () => {
  it('reads help, usage, names, globs and tags', () => {
    expect(parseCommandText('')).toEqual({ kind: 'usage' });
    expect(parseCommandText('  \n ')).toEqual({ kind: 'usage' });
    for (const h of ['help', 'HELP', '--help', '-h', '?'])
      expect(parseCommandText(h)).toEqual({ kind: 'help' });
    expect(parseCommandText(' web-01  web-0?,tag:prod ')).toEqual({
      kind: 'diagnose',
      patterns: ['web-01', 'web-0?', 'tag:prod'],
    });
    expect(parseCommandText('help web-01')).toEqual({ kind: 'diagnose', patterns: ['help', 'web-01'] });
  });

  it('refuses words that cannot be host names, echoing them escaped', () => {
    const r = parseCommandText('web-01 <!channel> `x`');
    expect(r.kind).toBe('invalid');
    const message = (r as { message: string }).message;
    expect(message).toContain('`&lt;!channel&gt;`');
    expect(message).not.toContain('<!');
    expect(parseCommandText(Array.from({ length: 21 }, (_, i) => `h${i}`).join(' ')).kind).toBe('invalid');
  });

  it('splits on every Unicode space, not only the ASCII one', () => {
    for (const space of [
      '\u00a0',
      '\u2003',
      '\u2009',
      '\u202f',
      '\u205f',
      '\u3000',
      '\u2028',
      '\t',
      '\u1680',
    ])
      expect(parseCommandText(`web-01${space}web-02${space}`), JSON.stringify(space)).toEqual({
        kind: 'diagnose',
        patterns: ['web-01', 'web-02'],
      });
  });

  it('refuses a name with an invisible character, naming it; never echoes it raw', () => {
    for (const [text, named] of [
      ['web\u200b-01', 'U+200B'],
      ['web-01\u200d', 'U+200D'],
      ['\ufeffweb-01', 'U+FEFF'],
      ['web-\u202e10', 'U+202E'],
      ['web-01\u2060 web-02', 'U+2060'],
      ['web-01\u0000', 'U+0000'],
      ['web-01\u001b[31m', 'U+001B'],
    ] as const) {
      const r = parseCommandText(text);
      expect(r.kind, JSON.stringify(text)).toBe('invalid');
      const message = (r as { message: string }).message;
      expect(message).toContain(`invisible character (${named})`);
      expect(message).toContain(`&lt;${named}&gt;`);
      expect(message).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u200b-\u200f\u202a-\u202e\u2060\ufeff]/);
    }
    expect((parseCommandText('web\u200b-01') as { message: string }).message).toMatch(
      /^`web&lt;U\+200B&gt;-01` holds an invisible character \(U\+200B\): type the name again\./,
    );
  });

  it('echoes a command of several words as it read them; one word needs no echo', () => {
    expect(understood(['web-01'])).toBeUndefined();
    expect(understood(['web-01', 'web-02'])).toBe(
      'Diagnosing `web-01`, `web-02` (read as 2 names).',
    );
  });

  it('never throws, and never echoes a raw control character', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        const r = parseCommandText(text);
        if (r.kind === 'invalid') expect(r.message.replace(/<@U[A-Z0-9]+>/g, '')).not.toMatch(/[<>]/);
      }),
    );
  });
});

describe('chooseTargets', () => {
  it('without an allow-list: names, globs, tags; unknown names with close matches, no file path', () => {
    const ok = chooseTargets(inventory, ['tag:prod', 'web-*'], 'C1', null);
    expect(ok.ok && ok.targets.map((t) => t.name)).toEqual(['web-01', 'db-01', 'web-02']);
    const bad = chooseTargets(inventory, ['web-1', 'zzz'], 'C1', null);
    expect(bad.ok).toBe(false);
    const message = (bad as { message: string }).message;
    expect(message).toContain("• unknown host 'web-1'; did you mean web-01?");
    expect(message).toContain('hosts in the inventory: web-01, web-02, db-01');
    expect(message).not.toContain('/srv/hosts.yml');
  });

  it('up to SWEEP_MAX_HOSTS hosts (a sweep); more are refused with the count and the limit', () => {
    const many = parseInventory(
      `hosts:\n${Array.from({ length: 1201 }, (_, i) => `  h${i}: { address: 10.0.${Math.floor(i / 250)}.${(i % 250) + 1} }`).join('\n')}\n`,
      opts,
    );
    if (!many.ok) throw new Error('inventory');
    const r = chooseTargets(many.value, ['h*'], 'C1', null);
    expect(r).toEqual({
      ok: false,
      message: 'That is 1,201 hosts; a sweep covers at most 1,000 (`SWEEP_MAX_HOSTS`). Narrow the glob or tag.',
    });
    const fits = chooseTargets(many.value, ['h*'], 'C1', null, { threadPerHostMax: 5, sweepMaxHosts: 1201 });
    expect(fits.ok && fits.targets).toHaveLength(1201);
  });

  it('with an allow-list: the channel sees its hosts only', () => {
    const rules = parseChannelHosts('C0WEB=web-*; *=tag:db');
    if (!rules.ok) throw new Error(rules.error);
    expect(chooseTargets(inventory, ['web-02'], 'C0WEB', rules.value)).toMatchObject({ ok: true });
    expect(chooseTargets(inventory, ['db-01'], 'C0WEB', rules.value)).toEqual({
      ok: false,
      message: '• `db-01` may not be diagnosed from this channel (CHANNEL_HOSTS).',
    });
    // The `*` entry covers unlisted channels.
    const other = chooseTargets(inventory, ['tag:prod'], 'C0ELSE', rules.value);
    expect(other.ok && other.targets.map((t) => t.name)).toEqual(['db-01']);
  });
});

describe('parseChannelHosts', () => {
  it('reads entries, and says what is wrong with a bad one', () => {
    expect(parseChannelHosts(undefined)).toEqual({ ok: true, value: null });
    expect(parseChannelHosts('  ')).toEqual({ ok: true, value: null });
    const r = parseChannelHosts('C0123=web-* tag:shop;\nG0456=db-01,db-02 ; *=tag:staging');
    expect(r.ok && [...r.value!.entries()]).toEqual([
      ['C0123', ['web-*', 'tag:shop']],
      ['G0456', ['db-01', 'db-02']],
      ['*', ['tag:staging']],
    ]);
    expect(parseChannelHosts('C0123')).toMatchObject({
      ok: false,
      error: expect.stringContaining('CHANNEL_ID=PATTERNS'),
    });
    expect(parseChannelHosts('#incidents=web-01')).toMatchObject({
      ok: false,
      error: expect.stringContaining('channel id'),
    });
    expect(parseChannelHosts('C0123=')).toMatchObject({
      ok: false,
      error: expect.stringContaining('no host patterns'),
    });
    expect(parseChannelHosts('C0123=a;C0123=b')).toMatchObject({
      ok: false,
      error: expect.stringContaining('twice'),
    });
    expect(parseChannelHosts('C0123=web/01')).toMatchObject({
      ok: false,
      error: expect.stringContaining('web/01'),
    });
  });

  it('a channel without an entry and no * entry sees no host', () => {
    const r = parseChannelHosts('C0123=web-01');
    if (!r.ok) throw new Error(r.error);
    expect(inventoryForChannel(inventory, r.value, 'C0999').hosts).toEqual([]);
    expect(inventoryForChannel(inventory, null, 'C0999').hosts).toHaveLength(3);
  });

  it('never throws', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => void parseChannelHosts(s)));
  });
});

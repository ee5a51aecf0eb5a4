import { describe, expect, it } from 'vitest';
import {
  findHostByAddress,
  globMatch,
  parseInventory,
  selectHosts,
  type Inventory,
} from '../../../src/inventory/index.js';
import { closeWords, levenshtein } from '../../../src/inventory/suggest.js';

function inventory(): Inventory {
  const result = parseInventory(
    `hosts:
  web-01: { address: 10.0.1.10, tags: [web, prod] }
  web-02: { address: 10.0.1.11, tags: [web, prod] }
  web-10: { address: "2001:db8::10", tags: [web] }
  web-11: { address: web-11.example.com, tags: [web, staging] }
  db-01: { address: 10.0.3.30, tags: [db, prod] }
`,
    { source: 'hosts.yml', baseDir: '/', home: '/root', localUser: 'root' },
  );
  if (!result.ok) throw new Error(result.error.join('\n'));
  return result.value;
}

const names = (patterns: string[]) => {
  const selection = selectHosts(inventory(), patterns);
  if (!selection.ok) throw new Error(selection.error.join('\n'));
  return selection.value.map((t) => t.name);
};
const errors = (patterns: string[]) => {
  const selection = selectHosts(inventory(), patterns);
  return selection.ok ? [] : selection.error;
};

describe('selectHosts', () => {
  it('"did you mean" for the first three unknown words; the others are named without it', () => {
    const got = errors(['web-1', 'web-2', 'db-1', 'web-3', 'web-4']);
    expect(got.filter((e) => e.includes('did you mean'))).toHaveLength(3);
    expect(got[4]).toMatch(/^unknown host 'web-4'; hosts in hosts.yml: /);
  });

  it('selects by name, in the order asked, each host once', () => {
    expect(names(['db-01', 'web-01', 'db-01'])).toEqual(['db-01', 'web-01']);
  });

  it('selects by glob, in file order', () => {
    expect(names(['web-*'])).toEqual(['web-01', 'web-02', 'web-10', 'web-11']);
    expect(names(['web-0?'])).toEqual(['web-01', 'web-02']);
    expect(names(['*'])).toHaveLength(5);
    expect(names(['*-1?', 'db-01'])).toEqual(['web-10', 'web-11', 'db-01']);
  });

  it('selects by tag', () => {
    expect(names(['tag:prod'])).toEqual(['web-01', 'web-02', 'db-01']);
    expect(names(['tag:staging', 'tag:db'])).toEqual(['web-11', 'db-01']);
  });

  it('suggests close names for an unknown host', () => {
    expect(errors(['web-1'])).toEqual(["unknown host 'web-1'; did you mean web-01, web-10, web-11?"]);
    expect(errors(['WEB-02'])).toEqual(["unknown host 'WEB-02'; did you mean web-02?"]);
    expect(errors(['mail'])).toEqual([
      "unknown host 'mail'; hosts in hosts.yml: web-01, web-02, web-10, web-11, db-01",
    ]);
  });

  it('explains globs and tags that select nothing, one error per pattern', () => {
    expect(errors(['cache-*', 'tag:prd', 'tag:nothing-like-it', 'web-01'])).toEqual([
      "no host matches 'cache-*' in hosts.yml",
      "no host has tag 'prd'; did you mean tag:prod?",
      "no host has tag 'nothing-like-it'; known tags: db, prod, staging, web",
    ]);
    expect(errors([])).toEqual(['no hosts given: name one or more hosts, globs (web-*) or tags (tag:prod)']);
  });
});

describe('findHostByAddress', () => {
  it('finds the inventory host behind an address, however the address is written', () => {
    const inv = inventory();
    expect(findHostByAddress(inv, '10.0.3.30')?.name).toBe('db-01');
    expect(findHostByAddress(inv, '::ffff:10.0.3.30')?.name).toBe('db-01');
    expect(findHostByAddress(inv, '2001:DB8:0:0:0:0:0:10')?.name).toBe('web-10');
    expect(findHostByAddress(inv, '[2001:db8::10]')?.name).toBe('web-10');
    expect(findHostByAddress(inv, 'WEB-11.example.com.')?.name).toBe('web-11');
    expect(findHostByAddress(inv, '127.0.0.1')).toBeUndefined();
  });
});

describe('globs and suggestions', () => {
  it('matches whole names with * and ?', () => {
    expect(globMatch('web-*', 'web-01')).toBe(true);
    expect(globMatch('web-*', 'xweb-01')).toBe(false);
    expect(globMatch('w*b*1', 'web-01')).toBe(true);
    expect(globMatch('web-?', 'web-01')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
  });

  it('counts edits, a swap of neighbours as one', () => {
    expect(levenshtein('web-1', 'web-01')).toBe(1);
    expect(levenshtein('prot', 'port')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(closeWords('db', ['web', 'db-01', 'dc'])).toEqual(['dc']);
  });
});

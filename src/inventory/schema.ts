// The shape of hosts.yml, checked with zod. Messages are written for the person editing the file: each names
// what was expected, and formatIssue() prefixes the key path ("hosts.web-01.port: …").
import { z } from 'zod';
import { addressProblem } from './address.js';
import { closeWords } from './suggest.js';

/** A zod error message that says "is required" for a missing key and `expected` for a wrong value. */
function expecting(expected: string) {
  return { error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : expected) };
}

const PORT = 'expected a number from 1 to 65535';
const port = z
  .number(expecting(PORT))
  .int({ error: PORT })
  .min(1, { error: PORT })
  .max(65535, { error: PORT });

const text = (what: string) => z.string(expecting(`expected ${what}`)).min(1, { error: `expected ${what}` });

const user = text('a user name').regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, {
  error: 'expected a user name (letters, digits, _ . -)',
});
const path = text('a file path');
const bool = z.boolean(expecting('expected true or false'));
const envName = text('an environment variable name').regex(/^[A-Za-z_][A-Za-z0-9_]*$/, {
  error: 'expected an environment variable name (letters, digits, _)',
});
const hostRef = text('the name of a host in this inventory');
const tag = text('a tag').regex(/^[A-Za-z0-9._-]+$/, { error: 'expected a tag (letters, digits, . - _)' });

const address = z
  .string(expecting('expected an IPv4 or IPv6 address or a DNS name'))
  .superRefine((value, ctx) => {
    const problem = addressProblem(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Settings every host inherits unless it sets its own. */
export const defaultsSchema = z.strictObject(
  {
    user: user.optional(),
    port: port.optional(),
    identityFile: path.optional(),
    knownHosts: path.optional(),
    sudo: bool.optional(),
    jumpHost: hostRef.optional(),
    passphraseEnv: envName.optional(),
    useAgent: bool.optional(),
  },
  { error: 'expected a mapping of settings (user, port, identityFile, knownHosts, sudo…)' },
);

export const hostSchema = z.strictObject(
  {
    address,
    port: port.optional(),
    user: user.optional(),
    identityFile: path.optional(),
    knownHosts: path.optional(),
    sudo: bool.optional(),
    // null opts a host out of `defaults.jumpHost` (e.g. a second bastion).
    jumpHost: hostRef.nullable().optional(),
    passphraseEnv: envName.optional(),
    useAgent: bool.optional(),
    tags: z.array(tag, expecting('expected a list of tags, e.g. [web, prod]')).optional(),
  },
  { error: 'expected a mapping with at least `address:`' },
);

export const inventorySchema = z.strictObject(
  {
    defaults: defaultsSchema.optional(),
    hosts: z.record(z.string(), hostSchema, expecting('expected a mapping of host names to hosts')),
  },
  { error: 'expected a mapping with `hosts:` (and optionally `defaults:`)' },
);

export type RawInventory = z.infer<typeof inventorySchema>;
export type RawHost = z.infer<typeof hostSchema>;
export type RawDefaults = z.infer<typeof defaultsSchema>;

const KNOWN_KEYS: Record<string, readonly string[]> = {
  top: ['defaults', 'hosts'],
  defaults: Object.keys(defaultsSchema.shape),
  host: Object.keys(hostSchema.shape),
};

/** The key path as people read it: hosts.web-01.port */
export function keyPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(top level)' : path.map(String).join('.');
}

/** One line per zod issue, naming the key and (through the path) the host. */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known =
        issue.path.length === 0
          ? KNOWN_KEYS.top
          : issue.path[0] === 'defaults'
            ? KNOWN_KEYS.defaults
            : KNOWN_KEYS.host;
      for (const key of issue.keys) {
        const guess = closestWord(key, known ?? []);
        const hint =
          guess === undefined ? `known keys: ${(known ?? []).join(', ')}` : `did you mean ${guess}?`;
        lines.push(`${keyPath([...issue.path, key])}: unknown key (${hint})`);
      }
    } else {
      lines.push(`${keyPath(issue.path)}: ${issue.message}`);
    }
  }
  return lines;
}

function closestWord(word: string, candidates: readonly string[]): string | undefined {
  return closeWords(word, candidates, 1)[0];
}

// The table of nginx's upstream error messages (src/parsers/upstream-errors.ts) against the classifier and
// the analyzer: every row must have a cause, its example must parse as one nginx entry of the row's kind, and
// the analyzer must turn that kind into the row's cause. A message added to the table without a cause, or one
// the classifier reads as "other", fails here.
import { describe, expect, it } from 'vitest';
import { parseErrorLog } from '../../../src/parsers/errorlog.js';
import { NOT_UPSTREAM_FAILURES, UPSTREAM_ERRORS } from '../../../src/parsers/upstream-errors.js';
import { causesOfKind } from '../../../src/analyze/checks/error-log.js';
import { CAUSES } from '../../../src/model/types.js';

const label = (r: { module: string; message: string; detail?: string }): string =>
  `${r.module}: ${r.message}${r.detail ? ` [${r.detail}]` : ''}`;

describe('every upstream error message of nginx', () => {
  it.each(UPSTREAM_ERRORS.map((r) => [label(r), r] as const))('%s has a cause', (_, row) => {
    expect(row.cause, 'the table gives no cause').toBeDefined();
    expect(CAUSES).toContain(row.cause);
  });

  it.each(UPSTREAM_ERRORS.map((r) => [label(r), r] as const))('%s classifies as its kind', (_, row) => {
    const entries = parseErrorLog(row.example, '/var/log/nginx/error.log');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.kind).toBe(row.kind);
    expect(entries[0]!.level).toBe(row.level);
  });

  it.each(UPSTREAM_ERRORS.map((r) => [label(r), r] as const))('%s gives its cause', (_, row) => {
    expect(causesOfKind(row.kind)).toContain(row.cause);
  });

  it('lists each message once, and says why a message of those files is not an upstream failure', () => {
    const keys = UPSTREAM_ERRORS.map(label);
    expect(new Set(keys).size).toBe(keys.length);
    for (const n of NOT_UPSTREAM_FAILURES) expect(n.why.length).toBeGreaterThan(10);
    const classified = new Set(UPSTREAM_ERRORS.map((r) => `${r.module}: ${r.message}`));
    for (const n of NOT_UPSTREAM_FAILURES) expect(classified).not.toContain(`${n.module}: ${n.message}`);
  });
});

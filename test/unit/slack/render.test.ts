import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CAUSES, type Finding, type HostSnapshot, type Report } from '../../../src/model/types.js';
import { reportOf } from '../../../src/analyze/report.js';
import { limitViolations, type SlackMessage } from '../../../src/slack/blocks.js';
import { escapeMrkdwn } from '../../../src/slack/mrkdwn.js';
import {
  cutMrkdwn,
  renderFailed,
  renderJoined,
  renderNotice,
  renderParent,
  renderProgress,
  renderProgressDone,
  renderReport,
  renderVerdict,
} from '../../../src/slack/render.js';

const USER = 'U0123ABCD';
const snapshotsDir = new URL('../../fixtures/snapshots/', import.meta.url);

/** Reports of every recorded lab scenario, analysed as the worker would. */
const recorded: Report[] = readdirSync(snapshotsDir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) =>
    reportOf(
      (JSON.parse(readFileSync(new URL(f, snapshotsDir), 'utf8')) as { snapshot: HostSnapshot }).snapshot,
    ),
  );

/** Every mrkdwn/plain text a message carries, its fallback text included. */
function texts(message: SlackMessage): string[] {
  const out = [message.text];
  for (const block of message.blocks) {
    if (block.type === 'section') out.push(block.text.text);
    if (block.type === 'context') out.push(...block.elements.map((e) => e.text));
  }
  return out;
}

/** The message as Slack would read it, with our own deliberate `<@U…>` mentions taken out. */
const withoutOwn = (message: SlackMessage, own: string[]) =>
  own.reduce((text, ok) => text.replaceAll(ok, ''), texts(message).join('\n'));

/** Within limits, every `<`/`>` one of ours (`own`), fences balanced, no broken entity, verbatim text. */
const OWN_INVISIBLES_ONLY = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|(?![\u200b\u2060])\p{Cf}/u;

function expectSafe(message: SlackMessage, own: string[] = [`<@${USER}>`]): void {
  expect(limitViolations(message)).toEqual([]);
  const all = withoutOwn(message, own);
  expect(all).not.toContain('<');
  expect(all).not.toContain('>');
  for (const t of texts(message)) {
    expect((t.match(/```/g) ?? []).length % 2, `unbalanced code fence in ${JSON.stringify(t)}`).toBe(0);
    // No control, C1, bidi or invisible character but tabs, newlines and the two we put in ourselves (a
    // zero-width space between backticks or after an emoji code's colon, a word joiner after an @).
    expect(t).not.toMatch(OWN_INVISIBLES_ONLY);
    expect(t.replace(/&(amp|lt|gt);/g, '')).not.toMatch(/&(amp|lt|gt)(?!;)/);
  }
  for (const block of message.blocks)
    if (block.type !== 'divider') expect(JSON.stringify(block)).toContain('"verbatim":true');
}

describe('renderReport over the recorded lab scenarios', () => {
  it.each(recorded.map((r) => [r.target, r] as const))(
    '%s: root cause first, within limits, escaped',
    (_, report) => {
      const { replies, files } = renderReport(report);
      expect(replies.length).toBeGreaterThan(0);
      for (const m of replies) expectSafe(m);
      const first = texts(replies[0]!).join('\n');
      const critical = report.findings.filter((f) => f.severity === 'critical');
      if (critical.length === 0) {
        expect(first).toContain('No cause for a 502 found');
        return;
      }
      const root = report.findings[0]!;
      expect(first).toContain(`\`${root.cause}\``);
      for (const e of root.evidence.slice(0, 3))
        if (e.file && e.line !== undefined) expect(first).toContain(`${e.file}:${e.line}`);
      if (root.fix?.edit) {
        for (const line of root.fix.edit.before.split('\n'))
          expect(first).toContain(`-${escapeMrkdwn(line)}`);
        for (const line of root.fix.edit.after.split('\n')) expect(first).toContain(`+${escapeMrkdwn(line)}`);
      }
      if (report.findings.length > 1) {
        expect(first).toContain(`Other findings* (${report.findings.length - 1})`);
        expect(files).toHaveLength(1);
        expect(files[0]!.content).toContain(report.findings[1]!.title);
      }
    },
  );

  it('port-mismatch: the evidence shows the config line with file:line and the diff of the fix', () => {
    const report = recorded.find((r) => r.target === 'port-mismatch')!;
    const first = texts(renderReport(report).replies[0]!).join('\n');
    expect(first).toContain('`/etc/nginx/conf.d/shop.conf:2`');
    expect(first).toContain(
      '```\n-    server 127.0.0.1:8000 max_fails=3;\n+    server 127.0.0.1:3000 max_fails=3;\n```',
    );
    expect(first).toContain('*Root cause* · `upstream-port-mismatch`');
  });

  it('a host that could not be visited says so, with :no_entry:', () => {
    const report = recorded.find((r) => r.findings[0]?.cause === 'host-unreachable')!;
    expect(texts(renderReport(report).replies[0]!).join('\n')).toContain('*Could not diagnose*');
    expect(renderVerdict(report, USER).blocks[0]).toMatchObject({
      text: { text: expect.stringMatching(/^:no_entry: /) },
    });
  });
});

describe('renderVerdict', () => {
  it('is one line naming the root cause, with an emoji by severity', () => {
    const report = recorded.find((r) => r.target === 'port-mismatch')!;
    const verdict = renderVerdict(report, USER);
    expectSafe(verdict);
    const line = (verdict.blocks[0] as { text: { text: string } }).text.text;
    expect(line).not.toContain('\n');
    expect(line).toMatch(
      /^:red_circle: `port-mismatch`: nginx proxies to 127\.0\.0\.1:8000.*`upstream-port-mismatch`$/,
    );
    expect(texts(verdict).join('\n')).toContain(`asked by <@${USER}>`);
    const healthy = renderVerdict(
      recorded.find((r) => r.target === 'healthy')!,
      USER,
    );
    expect((healthy.blocks[0] as { text: { text: string } }).text.text).toMatch(/^:large_green_circle: /);
  });

  it('after an applied fix: fixed, or still failing, and who applied it', () => {
    const line = (m: SlackMessage) => (m.blocks[0] as { text: { text: string } }).text.text;
    const healthy = recorded.find((r) => r.target === 'healthy')!;
    const fixed = renderVerdict(healthy, USER, 'p-abc');
    expect(line(fixed)).toBe(
      ':white_check_mark: `healthy`: fixed; diagnosed again after the apply, no cause for a 502 found',
    );
    expect(fixed.text).toBe('fixed: healthy: no cause for a 502 found');
    expect(texts(fixed).join('\n')).toContain(`fix \`p-abc\` applied by <@${USER}>`);
    const broken = renderVerdict(
      recorded.find((r) => r.target === 'port-mismatch')!,
      USER,
      'p-abc',
    );
    expect(line(broken)).toMatch(/^:red_circle: `port-mismatch`: still failing after the fix: nginx proxies/);
    expectSafe(broken);
    const replies = renderReport(healthy, { confirmsPlan: 'p-abc' }).replies;
    expect(texts(replies[0]!)).toContain(':mag: Diagnosed again after fix `p-abc` was applied');
  });
});

describe('a log line with <!channel>', () => {
  const report: Report = {
    target: 'web-01',
    host: '10.0.0.1',
    startedAt: '2026-01-01T00:00:00Z',
    durationMs: 10,
    findings: [
      {
        cause: 'upstream-not-listening',
        severity: 'critical',
        title: 'nginx proxies to 127.0.0.1:3000 and nothing listens <!here>',
        detail: 'Hi @channel <@U999> <https://evil.example|click>',
        evidence: [{ source: 'error.log', text: 'request: "GET / HTTP/1.1", host: "<!channel>" ``` *x*' }],
      },
    ],
  };

  it('a Referer with terminal escapes and a bidi override shows them as text, in code blocks and prose', () => {
    const evil = '\u001b]52;c;ZXZpbA==\u0007\u001b[2J\u202egnp.exe';
    const { replies } = renderReport({
      ...report,
      findings: [
        {
          ...report.findings[0]!,
          title: `nginx proxies to ${evil}\n:large_green_circle: *healthy*`,
          evidence: [{ source: 'error.log', text: `referrer: "${evil}"\n\`\`\`\n*escaped*` }],
        },
      ],
    });
    for (const m of [...replies, renderVerdict(report, USER)]) expectSafe(m);
    const all = replies.flatMap(texts).join('\n');
    expect(all).toContain('referrer: "\\x1b]52;c;ZXZpbA==\\x07\\x1b[2J\\u202egnp.exe"');
    expect(all).toContain(':\u200blarge_green_circle: *healthy*');
    expect(all).not.toContain(':large_green_circle:');
  });

  it('arrives escaped everywhere', () => {
    const { replies } = renderReport(report);
    for (const m of [...replies, renderVerdict(report, USER)]) expectSafe(m);
    const all = replies.flatMap(texts).join('\n');
    expect(all).toContain('host: "&lt;!channel&gt;"');
    expect(all).toContain('&lt;!here&gt;');
    expect(all).toContain('&lt;https://evil.example|click&gt;');
    expect(all).not.toMatch(/(^|[^\u2060])@channel/m);
  });
});

describe('splitting', () => {
  it('a huge report becomes several replies within limits, and the full text goes to a file', () => {
    const evidence = Array.from({ length: 60 }, (_, i) => ({
      source: `source-${i}`,
      file: `/var/log/x${i}.log`,
      line: i + 1,
      text: `${'<x> & '.repeat(600)}\n`.repeat(3),
    }));
    const finding: Finding = {
      cause: 'upstream-timeout',
      severity: 'critical',
      title: 'slow '.repeat(200),
      detail: 'why '.repeat(2000),
      evidence,
      fix: { summary: 'do it', commands: Array.from({ length: 400 }, (_, i) => `systemctl restart app${i}`) },
    };
    const others: Finding[] = Array.from({ length: 80 }, (_, i) => ({
      cause: CAUSES[i % CAUSES.length]!,
      severity: 'warning',
      title: `warning ${i} ${'w'.repeat(300)}`,
      detail: '',
      evidence: [],
    }));
    const report: Report = {
      target: 'web-01',
      host: 'h',
      startedAt: '',
      durationMs: 1,
      findings: [finding, ...others],
    };
    const { replies, files } = renderReport(report);
    expect(replies.length).toBeGreaterThan(1);
    for (const m of replies) expectSafe(m);
    expect(files).toHaveLength(1);
    expect(files[0]!.filename).toBe('web-01-report.txt');
    expect(files[0]!.content).toContain('systemctl restart app399');
    expect(texts(replies.at(-1)!).join('\n')).toContain('more in the attached report');
  });
});

describe('other messages', () => {
  it('parent, joined, progress, failed and notices are within limits and escaped', () => {
    const hostile = 'web-<!channel>-``` *x*';
    for (const m of [
      renderParent(hostile, USER),
      renderParent('web-01', 'not a user <!here>'),
      renderJoined(hostile, USER, 'https://x|<!channel>'),
      renderProgress(hostile, 'reading <!channel> nginx -T', 3, 1234),
      renderProgressDone(hostile, 9, 12_345),
      renderFailed(hostile, 'worker lost <!channel>', USER),
      renderNotice('plain notice'),
    ])
      expectSafe(m);
    const joined = texts(renderJoined('web-01', USER, 'https://example.slack.com/archives/C1/p123')).join(
      '\n',
    );
    expect(joined).toContain('<https://example.slack.com/archives/C1/p123|this thread>');
  });

  it('cutMrkdwn never leaves half an entity or half a link', () => {
    expect(cutMrkdwn('abc &amp; def', 7)).toBe('abc …');
    expect(cutMrkdwn('see <@U123ABC> now', 10)).toBe('see …');
    expect(cutMrkdwn('short', 10)).toBe('short');
  });
});

// ---- random reports ----

const hostile = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom(
    '<!channel>',
    '<!here|here>',
    '```',
    '`',
    '@channel',
    '&',
    '<@U123>',
    '<https://x|y>',
    '*_~',
  ),
  fc.string({
    unit: fc.constantFrom(
      '<',
      '>',
      '&',
      '`',
      '!',
      '@',
      'a',
      '\n',
      '😀',
      ' ',
      '\u001b',
      '\u202e',
      '\u009b',
      '\r',
      '\\',
      ':',
    ),
    maxLength: 4000,
  }),
);
const longish = fc.oneof(hostile, fc.string({ unit: 'binary', minLength: 2000, maxLength: 9000 }));

const evidenceArb = fc.record(
  { source: hostile, file: hostile, line: fc.integer({ min: 0, max: 1e6 }), text: longish },
  { requiredKeys: ['source', 'text'] },
);
const findingArb: fc.Arbitrary<Finding> = fc.record(
  {
    cause: fc.constantFrom(...CAUSES),
    severity: fc.constantFrom('critical', 'warning', 'info'),
    title: longish,
    detail: longish,
    evidence: fc.array(evidenceArb, { maxLength: 15 }),
    fix: fc.record(
      {
        summary: hostile,
        commands: fc.array(hostile, { maxLength: 5 }),
        edit: fc.record({ file: hostile, line: fc.nat(), before: longish, after: longish }),
      },
      { requiredKeys: ['summary'] },
    ),
    host: hostile,
  },
  { requiredKeys: ['cause', 'severity', 'title', 'detail', 'evidence'] },
);
const reportArb: fc.Arbitrary<Report> = fc.record({
  target: hostile,
  host: hostile,
  startedAt: fc.constant('2026-01-01T00:00:00Z'),
  durationMs: fc.nat(),
  findings: fc.array(findingArb, { maxLength: 30 }),
});

describe('random reports', () => {
  it('never exceed Block Kit limits and never carry an unescaped control character', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const { replies } = renderReport(report);
        expect(replies.length).toBeGreaterThan(0);
        for (const m of replies) expectSafe(m);
        expectSafe(renderVerdict(report, USER));
        expectSafe(renderParent(report.target, USER));
        expectSafe(renderFailed(report.target, report.host, USER));
      }),
      { numRuns: 150 },
    );
  });
});

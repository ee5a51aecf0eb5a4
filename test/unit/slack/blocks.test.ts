import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { context, divider, limitViolations, section, type ButtonElement } from '../../../src/slack/blocks.js';

const button = (over: Partial<ButtonElement> = {}): ButtonElement => ({
  type: 'button',
  text: { type: 'plain_text', text: 'Apply & reload' },
  action_id: 'remediation_apply',
  value: 'plan-123',
  style: 'danger',
  ...over,
});

describe('limitViolations', () => {
  it('accepts what the bot sends: sections, contexts, dividers, a header and buttons', () => {
    expect(
      limitViolations({
        text: 'x',
        blocks: [
          { type: 'header', text: { type: 'plain_text', text: 'Fix' } },
          section('a'),
          context('b', 'c'),
          divider(),
          {
            type: 'actions',
            block_id: 'remediation',
            elements: [button(), button({ action_id: 'remediation_test' })],
          },
        ],
      }),
    ).toEqual([]);
  });

  it('names each broken limit', () => {
    const problems = limitViolations({
      text: 'x'.repeat(4001),
      blocks: [
        section(''),
        section('y'.repeat(3001)),
        { type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'z' })) },
        { type: 'header', text: { type: 'mrkdwn', text: 'h' } },
        { type: 'actions', elements: [button({ text: { type: 'plain_text', text: 'b'.repeat(76) } })] },
        { type: 'actions', elements: [button({ value: 'v'.repeat(2001), action_id: '' })] },
        { type: 'actions', elements: Array.from({ length: 26 }, () => button()) },
        { type: 'image' },
        ...Array.from({ length: 44 }, () => divider()),
      ],
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'text: 4001 characters (max 4000)',
        'blocks: 52 (max 50)',
        'blocks[0].text: empty text',
        'blocks[1].text: 3001 characters (max 3000)',
        'blocks[2]: 11 elements (max 10)',
        'blocks[3].text: a header takes plain_text',
        'blocks[4].elements[0].text: 76 characters (max 75)',
        'blocks[5].elements[0].action_id: 1 to 255 characters',
        'blocks[5].elements[0].value: at most 2000 characters',
        'blocks[6]: 26 elements (max 25)',
        'blocks[7]: unexpected block type image',
      ]),
    );
  });

  it('counts a message over ~12k characters', () => {
    const blocks = Array.from({ length: 5 }, () => section('x'.repeat(2900)));
    expect(limitViolations({ text: 'x', blocks })).toEqual(['message: 14501 characters (max 12000)']);
  });

  it('never throws on anything that arrives', () => {
    fc.assert(fc.property(fc.anything(), (m) => void limitViolations(m)));
    fc.assert(fc.property(fc.array(fc.anything()), (blocks) => void limitViolations({ blocks })));
  });
});

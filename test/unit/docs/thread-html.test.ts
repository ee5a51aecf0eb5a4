// The mrkdwn → HTML conversion behind docs/thread.png (scripts/thread-html.ts): Slack's escaping honoured, no
// text from the thread able to become markup, and the "offered" moment picking the versions an on-call
// engineer saw before pressing a button. No Chromium here: only the pure part is tested.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  atMoment,
  blockToHtml,
  decodeSlack,
  mrkdwnToHtml,
  parseThread,
  type StoredMessage,
  threadPage,
} from '../../../scripts/thread-html.js';

describe('mrkdwnToHtml', () => {
  it('shows Slack-escaped text as text: &lt;!channel&gt; is the words <!channel>, never a mention', () => {
    const html = mrkdwnToHtml('careful: &lt;!channel&gt; &amp; &lt;@U1&gt;');
    expect(html).toBe('careful: &#60;!channel&#62; &#38; &#60;@U1&#62;');
    expect(html).not.toContain('mention');
    expect(html).not.toMatch(/<[^>]*channel/);
  });

  it('decodes each entity once, as Slack does', () => {
    expect(decodeSlack('&amp;lt; &lt; &gt; &amp; &quot;')).toBe('&lt; < > & &quot;');
    expect(mrkdwnToHtml('&amp;lt;')).toBe('&#38;lt;');
  });

  it('keeps a <script> inside a code block inert', () => {
    const html = mrkdwnToHtml('log:\n```\n&lt;script&gt;alert(1)&lt;/script&gt; *not bold*\n```');
    expect(html).toBe('log:<pre>&#60;script&#62;alert(1)&#60;/script&#62; *not bold*</pre>');
    expect(html).not.toContain('<script');
  });

  it('escapes raw HTML that was not Slack-escaped too', () => {
    expect(mrkdwnToHtml('a "<b>" \'x\'')).not.toContain('<b>');
    expect(mrkdwnToHtml('<img src=x onerror=alert(1)>')).not.toContain('<img');
  });

  it('renders mentions and special mentions as chips', () => {
    expect(mrkdwnToHtml('asked by <@U0ALICE>')).toBe('asked by <span class="mention">@alice</span>');
    expect(mrkdwnToHtml('<@UX12|dana>')).toBe('<span class="mention">@dana</span>');
    expect(mrkdwnToHtml('<!here>')).toBe('<span class="mention">@here</span>');
    expect(mrkdwnToHtml('<#C0INCIDENT>')).toBe('<span class="mention">#incident</span>');
  });

  it('renders links with their label, and only web links as links', () => {
    expect(mrkdwnToHtml('<https://x.test/a?b=1&amp;c=2|the &lt;docs&gt;>')).toBe(
      '<a href="https://x.test/a?b=1&#38;c=2">the &#60;docs&#62;</a>',
    );
    expect(mrkdwnToHtml('<https://x.test/>')).toBe('<a href="https://x.test/">https://x.test/</a>');
    expect(mrkdwnToHtml('<javascript:alert(1)|click>')).toBe('click');
  });

  it('renders bold, italic and strike at word boundaries only', () => {
    expect(mrkdwnToHtml('*Root cause* · _maybe_ ~gone~')).toBe(
      '<b>Root cause</b> · <i>maybe</i> <s>gone</s>',
    );
    expect(mrkdwnToHtml('snake_case_name and 2*3*4')).toBe('snake_case_name and 2*3*4');
    expect(mrkdwnToHtml('* not bold *')).toBe('* not bold *');
  });

  it('renders inline code literally, inside bold too', () => {
    expect(mrkdwnToHtml('*Proposed fix for `shop-01`:* go')).toBe(
      '<b>Proposed fix for <code>shop-01</code>:</b> go',
    );
    expect(mrkdwnToHtml('`*a* _b_ &lt;@U1&gt; :x:`')).toBe('<code>*a* _b_ &#60;@U1&#62; :x:</code>');
  });

  it('renders code blocks as blocks, with the newlines around the fences dropped', () => {
    expect(mrkdwnToHtml('`ss -tlnp`\n```\nLISTEN 0\n```\nafter')).toBe(
      '<code>ss -tlnp</code><pre>LISTEN 0</pre>after',
    );
    expect(mrkdwnToHtml('a\nb')).toBe('a<br>b');
  });

  it('maps the bot’s emoji shortcodes to Unicode, before underscores could read as italics', () => {
    expect(mrkdwnToHtml(':large_green_circle: ok :red_circle: :wrench: :white_check_mark:')).toBe(
      '\u{1f7e2} ok \u{1f534} \u{1f527} \u2705',
    );
    expect(mrkdwnToHtml(':not_an_emoji: 10:30:45')).toBe(':not_an_emoji: 10:30:45');
  });

  it('cannot be fooled by placeholder characters in the input', () => {
    expect(mrkdwnToHtml('\ue0000\ue001 `x`')).toBe('\ufffd0\ufffd <code>x</code>');
  });
});

describe('blockToHtml', () => {
  it('draws buttons by style and never the confirm dialog', () => {
    const html = blockToHtml({
      type: 'actions',
      elements: [
        { type: 'button', text: { type: 'plain_text', text: 'Run nginx -t' } },
        {
          type: 'button',
          style: 'primary',
          text: { type: 'plain_text', text: 'Apply & reload' },
          confirm: { title: { type: 'plain_text', text: 'Apply this fix?' } },
        },
      ],
    });
    expect(html).toBe(
      '<div class="actions"><span class="button">Run nginx -t</span>' +
        '<span class="button primary">Apply &#38; reload</span></div>',
    );
  });

  it('draws context, divider and header, and names a block it does not know', () => {
    expect(blockToHtml({ type: 'context', elements: [{ type: 'mrkdwn', text: '*a*' }] })).toBe(
      '<div class="context"><span><b>a</b></span></div>',
    );
    expect(blockToHtml({ type: 'divider' })).toBe('<hr>');
    expect(blockToHtml({ type: 'header', text: { type: 'plain_text', text: '<b> :x:' } })).toBe(
      '<div class="header">&#60;b&#62; \u274c</div>',
    );
    expect(blockToHtml({ type: 'image' })).toBe('<div class="context">[image block]</div>');
  });
});

const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const buttons = {
  type: 'actions',
  elements: [{ type: 'button', text: { type: 'plain_text', text: 'Apply' } }],
};
const message = (ts: string, ...history: unknown[][]): StoredMessage => ({
  channel: 'C0INCIDENT',
  ts,
  history: history.map((blocks) => ({ blocks })),
});

describe('atMoment', () => {
  const thread = parseThread([
    message(
      '1.1',
      [section(':mag: Diagnosing')],
      [section(':red_circle: broken')],
      [section(':large_green_circle: ok')],
    ),
    message('1.2', [section(':hourglass_flowing_sand: step 1')], [section(':white_check_mark: 4 steps')]),
    message('1.3', [section('*Root cause*')]),
    message('1.4', [section('*Proposed fix*'), buttons], [section('*Proposed fix*'), section('Approved')]),
    message('1.5', [section('✓ nginx reloaded')]),
  ]);

  it('offered: the red parent, the finished replies before the offer, the offer with its buttons, nothing after', () => {
    const shown = atMoment(thread, 'offered');
    expect(shown.map((s) => s.ts)).toEqual(['1.1', '1.2', '1.3', '1.4']);
    expect(JSON.stringify(shown[0]!.version)).toContain(':red_circle: broken');
    expect(JSON.stringify(shown[1]!.version)).toContain('4 steps');
    expect(shown[3]!.version.blocks).toContainEqual(buttons);
  });

  it('applied: the latest version of everything', () => {
    const shown = atMoment(thread, 'applied');
    expect(shown.map((s) => s.ts)).toEqual(['1.1', '1.2', '1.3', '1.4', '1.5']);
    expect(JSON.stringify(shown[0]!.version)).toContain(':large_green_circle:');
    expect(shown[3]!.version.blocks).not.toContainEqual(buttons);
  });

  it('says what is missing instead of drawing the wrong moment', () => {
    expect(() => atMoment([message('1.1', [section('ok')])], 'offered')).toThrow(/red_circle/);
    expect(() => atMoment([message('1.1', [section(':red_circle:')])], 'offered')).toThrow(/offers a fix/);
    expect(() => parseThread({})).toThrow(/array/);
  });

  it('draws the recorded thread (docs/thread.json) with the bot’s name, the badge and the buttons', () => {
    const recorded = parseThread(
      JSON.parse(readFileSync(new URL('../../../docs/thread.json', import.meta.url), 'utf8')),
    );
    const html = threadPage(atMoment(recorded, 'offered'), recorded[0]!.channel);
    expect(html).toContain('<b>upstream-doctor</b><span class="app">APP</span>');
    expect(html).toContain('<span class="button primary">Apply &#38; reload</span>');
    expect(html).toContain('3 replies');
    expect(html).not.toMatch(/:[a-z_]+:/); // every shortcode the bot used has its emoji
  });
});

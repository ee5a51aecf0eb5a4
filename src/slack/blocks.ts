// The few Block Kit shapes the bot posts, and Slack's limits on them. `limitViolations` checks any message
// (typed or not), so the renderer's tests, the Web API stand-in and the end-to-end test judge by one rule.

export interface MrkdwnText {
  type: 'mrkdwn';
  text: string;
  /** Always true: no automatic link/mention parsing of our (escaped) text. */
  verbatim: true;
}

export interface SectionBlock {
  type: 'section';
  text: MrkdwnText;
  /** Names the block, so a later edit of the message can find it among the others. */
  block_id?: string;
}

export interface ContextBlock {
  type: 'context';
  elements: MrkdwnText[];
}

export interface DividerBlock {
  type: 'divider';
}

/** Plain text is never parsed for mentions or links: only our own fixed words go there. */
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}

export interface ConfirmDialog {
  title: PlainText;
  text: MrkdwnText;
  confirm: PlainText;
  deny: PlainText;
  style?: 'primary' | 'danger';
}

export interface ButtonElement {
  type: 'button';
  text: PlainText;
  action_id: string;
  /** A plan id, never a command. */
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmDialog;
}

export interface ActionsBlock {
  type: 'actions';
  block_id?: string;
  elements: ButtonElement[];
}

export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}

export type Block = SectionBlock | ContextBlock | DividerBlock | ActionsBlock | HeaderBlock;

/** What chat.postMessage / chat.update / chat.postEphemeral get: fallback text (notifications) and blocks. */
export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export const LIMITS = {
  /** Blocks in one message. */
  blocks: 50,
  /** Characters of a section's text (and of any text object). */
  sectionText: 3000,
  /** Elements of a context block. */
  contextElements: 10,
  /** Characters of a message's top-level `text`: Slack truncates beyond 40,000; we keep notifications short. */
  fallbackText: 4000,
  /** Characters of all text in one message: past ~12k Slack clients collapse or reject messages in practice. */
  messageChars: 12_000,
  /** Elements of an actions block. */
  actionsElements: 25,
  /** A button's text, its value and its action_id. */
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  /** A header's plain text. */
  headerText: 150,
} as const;

export const mrkdwn = (text: string): MrkdwnText => ({ type: 'mrkdwn', text, verbatim: true });
export const section = (text: string): SectionBlock => ({ type: 'section', text: mrkdwn(text) });
export const context = (...texts: string[]): ContextBlock => ({
  type: 'context',
  elements: texts.map(mrkdwn),
});
export const divider = (): DividerBlock => ({ type: 'divider' });

/** Characters of text a block carries (what counts toward the message budget). */
export function blockChars(block: Block): number {
  switch (block.type) {
    case 'section':
      return block.text.text.length;
    case 'context':
      return block.elements.reduce((n, e) => n + e.text.length, 0);
    case 'divider':
      return 0;
    case 'header':
      return block.text.text.length;
    case 'actions':
      return block.elements.reduce((n, e) => n + e.text.text.length, 0);
  }
}

export function messageChars(message: SlackMessage): number {
  return message.text.length + message.blocks.reduce((n, b) => n + blockChars(b), 0);
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function textProblem(where: string, value: unknown, max: number): string | undefined {
  if (!isRecord(value)) return `${where}: not a text object`;
  if (value.type !== 'mrkdwn' && value.type !== 'plain_text') return `${where}: unknown text type`;
  if (typeof value.text !== 'string') return `${where}: text is not a string`;
  if (value.text.length < 1) return `${where}: empty text`;
  if (value.text.length > max) return `${where}: ${value.text.length} characters (max ${max})`;
  return undefined;
}

function buttonProblems(where: string, value: unknown): string[] {
  if (!isRecord(value) || value.type !== 'button') return [`${where}: not a button`];
  const problems: string[] = [];
  const text = value.text as { type?: unknown } | undefined;
  const p = textProblem(`${where}.text`, value.text, LIMITS.buttonText);
  if (p) problems.push(p);
  else if (text?.type !== 'plain_text') problems.push(`${where}.text: a button takes plain_text`);
  if (
    typeof value.action_id !== 'string' ||
    value.action_id === '' ||
    value.action_id.length > LIMITS.actionId
  )
    problems.push(`${where}.action_id: 1 to ${LIMITS.actionId} characters`);
  if (
    value.value !== undefined &&
    (typeof value.value !== 'string' || value.value.length > LIMITS.buttonValue)
  )
    problems.push(`${where}.value: at most ${LIMITS.buttonValue} characters`);
  return problems;
}

/**
 * Every way `message` breaks Slack's Block Kit limits (an empty list when it is fine). Accepts anything, so
 * it can judge what arrived over HTTP as well as what the renderer built.
 */
export function limitViolations(message: unknown): string[] {
  if (!isRecord(message)) return ['message is not an object'];
  const problems: string[] = [];
  let chars = 0;
  if (message.text !== undefined) {
    if (typeof message.text !== 'string') problems.push('text: not a string');
    else {
      chars += message.text.length;
      if (message.text.length > LIMITS.fallbackText)
        problems.push(`text: ${message.text.length} characters (max ${LIMITS.fallbackText})`);
    }
  }
  const blocks = message.blocks;
  if (blocks !== undefined) {
    if (!Array.isArray(blocks)) return [...problems, 'blocks: not an array'];
    if (blocks.length > LIMITS.blocks) problems.push(`blocks: ${blocks.length} (max ${LIMITS.blocks})`);
    blocks.forEach((block: unknown, i) => {
      const where = `blocks[${i}]`;
      if (!isRecord(block)) return problems.push(`${where}: not an object`);
      if (block.type === 'section') {
        const p = textProblem(`${where}.text`, block.text, LIMITS.sectionText);
        if (p) problems.push(p);
        else chars += (block.text as { text: string }).text.length;
      } else if (block.type === 'context') {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0) return problems.push(`${where}: no elements`);
        if (elements.length > LIMITS.contextElements)
          problems.push(`${where}: ${elements.length} elements (max ${LIMITS.contextElements})`);
        elements.forEach((e: unknown, j) => {
          const p = textProblem(`${where}.elements[${j}]`, e, LIMITS.sectionText);
          if (p) problems.push(p);
          else chars += (e as { text: string }).text.length;
        });
      } else if (block.type === 'header') {
        const text = block.text as { type?: unknown } | undefined;
        const p = textProblem(`${where}.text`, block.text, LIMITS.headerText);
        if (p) problems.push(p);
        else if (text?.type !== 'plain_text') problems.push(`${where}.text: a header takes plain_text`);
        else chars += (block.text as { text: string }).text.length;
      } else if (block.type === 'actions') {
        const elements = block.elements;
        if (!Array.isArray(elements) || elements.length === 0) return problems.push(`${where}: no elements`);
        if (elements.length > LIMITS.actionsElements)
          problems.push(`${where}: ${elements.length} elements (max ${LIMITS.actionsElements})`);
        elements.forEach((e: unknown, j) => problems.push(...buttonProblems(`${where}.elements[${j}]`, e)));
      } else if (block.type !== 'divider') {
        problems.push(`${where}: unexpected block type ${String(block.type)}`);
      }
      return undefined;
    });
  }
  if (chars > LIMITS.messageChars) problems.push(`message: ${chars} characters (max ${LIMITS.messageChars})`);
  return problems;
}

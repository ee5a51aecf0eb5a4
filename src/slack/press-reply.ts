// How a button press is answered to the presser alone: an ephemeral reply through the press's response_url
// that replaces nothing (a refusal, "already started by …"), and the listeners that ack every press at once
// and turn a handler's unexpected error into such a reply. Shared by the plan buttons (actions.ts) and the
// group buttons (group-actions.ts).
import type { App, BlockButtonAction, RespondFn } from '@slack/bolt';
import type { Logger } from 'pino';
import { section } from './blocks.js';
import { describeSlackError } from './calls.js';
import { inlineCode } from './mrkdwn.js';

export const ephemeral = (text: string) => ({
  response_type: 'ephemeral' as const,
  replace_original: false,
  text,
  blocks: [section(text)],
});

/**
 * A button value that is not one of ours, as the refusal and the audit trail name it: its length and its
 * start, printable ASCII only (the trail is read in terminals).
 */
export function malformedValue(value: string): string {
  const shown = value.replace(/[^\x20-\x7e]/g, '?').slice(0, 40);
  return `malformed button value (${value.length} characters: ${JSON.stringify(shown)})`;
}

/** One line to the presser only; a response_url that fails is not worth failing the press for. */
export async function tell(respond: RespondFn, text: string): Promise<void> {
  await respond(ephemeral(text)).catch(() => undefined);
}

/** Listeners for `actionIds`: each press acked at once, then handled; an error is logged and told. */
export function onPresses(
  app: App,
  actionIds: readonly string[],
  log: Logger,
  handle: (actionId: string, body: BlockButtonAction, value: string, respond: RespondFn) => Promise<void>,
): void {
  for (const actionId of actionIds) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, action, respond }) => {
      await ack();
      await handle(actionId, body, action.value ?? '', respond).catch((err: unknown) => {
        log.error({ err, actionId }, 'button press failed');
        return tell(
          respond,
          `Something went wrong: ${inlineCode(describeSlackError(err))}; nothing was changed.`,
        );
      });
    });
  }
}

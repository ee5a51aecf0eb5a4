// The three Web API calls every answer in a thread is made of: a reply, an edit of a message, a file upload
// into the thread, each under the caller's rate-limit policy. The thread notifier and the sweep's
// coordinator both answer through these, so a reply is posted the same way wherever it comes from (no
// unfurling of links a host printed, fallback text and blocks together).
import type { SlackMessage } from './blocks.js';
import { type RetryPolicy, type Sleep, type WebClient, withRateLimitRetry } from './calls.js';
import type { ThreadFile } from './render.js';

/** Where a reply goes: a channel (or DM) and the ts of its thread's parent. */
export interface ThreadPlace {
  channel: string;
  threadTs: string;
}

/** Posts `message` in the thread; returns its ts. */
export async function postInThread(
  client: WebClient,
  place: ThreadPlace,
  message: SlackMessage,
  policy: RetryPolicy,
  sleep: Sleep,
): Promise<string> {
  const answer = await withRateLimitRetry(
    () =>
      client.chat.postMessage({
        channel: place.channel,
        thread_ts: place.threadTs,
        text: message.text,
        blocks: message.blocks,
        unfurl_links: false,
        unfurl_media: false,
      }),
    policy,
    sleep,
  );
  if (!answer.ts) throw new Error('Slack answered chat.postMessage without a ts');
  return answer.ts;
}

/** Replaces the message `ts` of `channel` with `message`. */
export async function updateMessage(
  client: WebClient,
  channel: string,
  ts: string,
  message: SlackMessage,
  policy: RetryPolicy,
  sleep: Sleep,
): Promise<void> {
  await withRateLimitRetry(
    () => client.chat.update({ channel, ts, text: message.text, blocks: message.blocks }),
    policy,
    sleep,
  );
}

/** Uploads `file` into the thread (files.uploadV2). */
export async function uploadToThread(
  client: WebClient,
  place: ThreadPlace,
  file: ThreadFile,
  policy: RetryPolicy,
  sleep: Sleep,
): Promise<void> {
  await withRateLimitRetry(
    () =>
      client.filesUploadV2({
        channel_id: place.channel,
        thread_ts: place.threadTs,
        filename: file.filename,
        title: file.title,
        content: file.content,
      }),
    policy,
    sleep,
  );
}

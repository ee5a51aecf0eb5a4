// `upstream-doctor bot`: the Slack bot. Socket Mode when SLACK_APP_TOKEN is set, else HTTP on PORT at
// /slack/events; with ALERT_WEBHOOK_TOKEN also the alert webhooks on PORT (in either mode). Settings are checked before anything starts (one line naming the bad one, exit 2), the token
// with Slack itself (auth.test). Runs until SIGTERM/SIGINT, then lets started commands finish and exits 0.
import type { DestinationStream } from 'pino';
import { createLogger } from '../health/log.js';
import { connectRedis, describeRedis } from '../queue/connection.js';
import { Producer } from '../queue/producer.js';
import { queueSettingsFrom } from '../queue/settings.js';
import { AlertMetrics } from '../health/alert-metrics.js';
import { AlertDiagnoses } from '../slack/alert-diagnosis.js';
import { alertReceiver } from '../slack/alert-receiver.js';
import { type BotHttpRoutes, type BotOptions, startBot } from '../slack/app.js';
import { remediationActionsFromEnv } from '../slack/actions.js';
import { createWebClient, describeSlackError } from '../slack/calls.js';
import type { DiagnosisEnqueuer } from '../slack/enqueuer.js';
import { InventoryCache } from '../slack/inventory-cache.js';
import { slackNotifierFactory } from '../slack/notifier.js';
import { botSettingsFrom } from '../slack/settings.js';
import { SweepCoordinator, sweepAwareFactory } from '../slack/sweep-notifier.js';
import { SweepStore } from '../queue/sweep.js';
import { PlanStore } from '../remediate/plan.js';
import { PlanGroupStore } from '../remediate/plan-group.js';
import { RedisSeenSignatures } from '../slack/verify.js';
import { type CliIo, inventoryOption } from './io.js';
import { waitForStop } from './stop-signal.js';

export const BOT_USAGE = `usage: upstream-doctor bot [--inventory FILE]

The Slack bot: answers /502 with a thread that names the root cause. Socket Mode when SLACK_APP_TOKEN is set,
else HTTP on PORT at /slack/events (signatures checked). Logs are JSON lines on stdout.

environment (defaults in brackets):
  SLACK_BOT_TOKEN            Bot User OAuth Token (xoxb-…)  (required)
  SLACK_SIGNING_SECRET       Signing Secret  (required in HTTP mode)
  SLACK_APP_TOKEN            app-level token (xapp-…, connections:write): Socket Mode
  PORT                       HTTP mode: port to listen on; Socket Mode with ALERT_WEBHOOK_TOKEN: the port of
                             the alert webhooks, /healthz and /metrics  [3000]
  SLACK_API_URL              Slack's Web API base  [https://slack.com/api/]
  CHANNEL_HOSTS              per-channel allow-list: "C0123=web-* tag:shop; *=tag:staging"  [every channel, every host]
  THREAD_PER_HOST_MAX        hosts of one /502 that get a message and a thread each; more become one fleet
                             sweep (one message, one reply per group of hosts with the same root cause)  [5]
  SWEEP_MAX_HOSTS            hosts one sweep covers at most; a /502 that selects more is refused  [1000]
  UPSTREAM_DOCTOR_INVENTORY  hosts.yml, unless --inventory is given; re-read when it changes  [./hosts.yml]
  REDIS_URL                  where the queue is  [redis://127.0.0.1:6379]
  QUEUE_PREFIX, DIAGNOSE_ATTEMPTS, DIAGNOSE_BACKOFF_MS, REDIS_SENTINEL*: as for \`upstream-doctor worker\`
  APPROVERS                  who may press "Run nginx -t", "Apply & reload", "Apply to canary" and
                             "Apply to the other N": Slack user ids (U…) and user-group ids (S…),
                             comma separated  [nobody]
  FOUR_EYES                  true: whoever asked for the diagnosis (or the sweep) may not approve its
                             fix  [false]
  AUDIT_LOG                  the remediation audit trail, JSON lines (also a Redis stream)  [./audit.jsonl]
  ALERT_WEBHOOK_TOKEN        turns on POST /alerts/alertmanager (Alertmanager's webhook) and POST /alerts/generic
                             ({"host": "web-01", "summary": "…"}): senders must send "Authorization: Bearer
                             TOKEN" (at least 16 characters)  [no alert webhooks: 404]
  ALERT_CHANNEL              channel id (C…) where alerts post their threads; the bot must be in it
                             (required with ALERT_WEBHOOK_TOKEN)
  ALERT_HOST_LABEL           the alert label that names the host (":port" dropped; matched against inventory
                             names, then addresses)  [instance]
  LOG_LEVEL                  fatal, error, warn, info, debug, trace, silent  [info]`;

/** What an embedding process or a test may add. */
export interface BotExtras {
  /** Replaces the Redis producer (tests, benchmarks). */
  enqueuer?: DiagnosisEnqueuer;
  /** Stops the bot like SIGTERM. */
  stop?: AbortSignal;
  /** Adds listeners (the remediation buttons) before the app starts. */
  register?: BotOptions['register'];
  /** Called once the bot takes requests. */
  onReady?: (info: { mode: 'http' | 'socket'; port?: number }) => void;
}

export async function bot(args: string[], io: CliIo, extras: BotExtras = {}): Promise<number> {
  const values = inventoryOption(args, BOT_USAGE, io);
  if (!values) return 0;
  const fail = (line: string) => {
    io.stderr.write(`upstream-doctor bot: ${line}\n`);
    return 2;
  };
  const checked = botSettingsFrom(io.env);
  if (!checked.ok) return fail(checked.error);
  const settings = checked.value;
  const queue = queueSettingsFrom(io.env);
  if (!queue.ok) return fail(queue.error);
  const inventory = new InventoryCache({ path: values.inventory, env: io.env });
  const first = await inventory.current();
  if (!first.ok) return fail(first.error[0] ?? 'the inventory cannot be read');

  const log = createLogger({ level: settings.LOG_LEVEL, destination: io.stdout as DestinationStream });
  const client = createWebClient({ token: settings.SLACK_BOT_TOKEN, slackApiUrl: settings.SLACK_API_URL });

  // Redis for the queue and, in HTTP mode, for the signatures already honoured (a replay starts nothing).
  const redis = connectRedis(queue.value, {
    role: 'producer',
    connectionName: `upstream-doctor-bot-${process.pid}`,
  });
  let lastError = '';
  redis.on('error', (err: Error) => {
    if (err.message !== lastError)
      log.error({ err: err.message, redis: describeRedis(queue.value) }, 'redis error');
    lastError = err.message;
  });
  // Sweep hosts answered as they are enqueued (they had just finished) are recorded in their sweep.
  const sweeps = new SweepCoordinator({
    client,
    store: new SweepStore(redis, queue.value.QUEUE_PREFIX),
    plans: new PlanStore(redis, queue.value.QUEUE_PREFIX),
    groups: new PlanGroupStore(redis, queue.value.QUEUE_PREFIX),
    log,
    owner: `bot:${process.pid}`,
  });
  const notifierFor = sweepAwareFactory(slackNotifierFactory({ client, log }), sweeps);
  let enqueuer = extras.enqueuer;
  let register = extras.register;
  let producer: Producer | undefined;
  const closeQueue = async (): Promise<void> => {
    await producer?.close();
    await redis.quit().catch(() => redis.disconnect());
  };
  if (!enqueuer) {
    producer = new Producer({
      connection: redis,
      prefix: queue.value.QUEUE_PREFIX,
      diagnoseAttempts: queue.value.DIAGNOSE_ATTEMPTS,
      diagnoseBackoffMs: queue.value.DIAGNOSE_BACKOFF_MS,
      notifierFor,
    });
    enqueuer = producer;
    if (!register) {
      const buttons = await remediationActionsFromEnv(io.env, {
        redis,
        prefix: queue.value.QUEUE_PREFIX,
        enqueuer: producer,
        rollouts: producer,
        client,
        log,
        channelHosts: settings.CHANNEL_HOSTS,
        inventory: () => inventory.current(),
      });
      if (!buttons.ok) {
        await closeQueue();
        return fail(buttons.error);
      }
      register = buttons.value;
    }
  }

  // The alert webhooks (with /metrics), when ALERT_WEBHOOK_TOKEN is set: they queue through the producer.
  let alerts: AlertDiagnoses | undefined;
  let http: BotHttpRoutes | undefined;
  if (settings.ALERT_WEBHOOK_TOKEN !== undefined && settings.ALERT_CHANNEL !== undefined) {
    const metrics = new AlertMetrics();
    const work = new AlertDiagnoses({
      client,
      enqueuer,
      inventory: () => inventory.current(),
      redis,
      prefix: queue.value.QUEUE_PREFIX,
      channel: settings.ALERT_CHANNEL,
      channelHosts: settings.CHANNEL_HOSTS,
      metrics,
      log,
    });
    alerts = work;
    const receive = alertReceiver({
      token: settings.ALERT_WEBHOOK_TOKEN,
      hostLabel: settings.ALERT_HOST_LABEL,
      accept: (route, events) => work.accept(route, events),
      rejected: (route) => metrics.count(route, 'rejected'),
      log,
    });
    http = { route: (req, res) => receive(req, res) || metrics.serve(req, res), idle: () => work.idle() };
  }

  let running;
  try {
    running = await startBot({
      token: settings.SLACK_BOT_TOKEN,
      signingSecret: settings.SLACK_SIGNING_SECRET,
      seenSignatures: new RedisSeenSignatures(redis, queue.value.QUEUE_PREFIX),
      appToken: settings.SLACK_APP_TOKEN,
      port: settings.PORT,
      slackApiUrl: settings.SLACK_API_URL,
      client,
      enqueuer,
      inventory: () => inventory.current(),
      channelHosts: settings.CHANNEL_HOSTS,
      log,
      limits: { threadPerHostMax: settings.THREAD_PER_HOST_MAX, sweepMaxHosts: settings.SWEEP_MAX_HOSTS },
      sweeps,
      ...(register ? { register } : {}),
      ...(http ? { http } : {}),
    });
  } catch (err) {
    await alerts?.close();
    await closeQueue();
    const code = (err as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES')
      return fail(`PORT: cannot listen on ${settings.PORT} (${(err as Error).message})`);
    const why = describeSlackError(err);
    // auth.test refused the token, or Slack (SLACK_API_URL) could not be reached.
    return fail(
      /invalid_auth|not_authed|account_inactive|token_revoked/.test(why)
        ? `SLACK_BOT_TOKEN: Slack refused it (${why})`
        : `cannot reach Slack at ${settings.SLACK_API_URL ?? 'https://slack.com/api/'} (${why})`,
    );
  }
  extras.onReady?.({ mode: running.mode, port: running.port });

  const why = await waitForStop(extras.stop);

  log.info({ signal: why }, 'stopping: finishing the commands in progress');
  await running.stop();
  await alerts?.close();
  await closeQueue();
  log.info('stopped');
  return 0;
}

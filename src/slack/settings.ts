// The bot's settings from the environment, checked with zod at start. A missing or bad one stops the process
// with one line naming it: "SLACK_BOT_TOKEN: is required (the Bot User OAuth Token, xoxb-…)".
import { z } from 'zod';
import type { Result } from '../model/result.js';
import { DEFAULT_HOST_LABEL } from './alert-payload.js';
import { LOG_LEVELS, parseEnv, wholeNumber } from '../queue/settings.js';
import { SWEEP_MAX_HOSTS, THREAD_PER_HOST_MAX } from './command.js';
import { type ChannelHosts, parseChannelHosts } from './channel-hosts.js';

const required = (what: string) =>
  z
    .string({ error: `is required (${what})` })
    .transform((v) => v.trim())
    .refine((v) => v !== '', { error: `is required (${what})` });

const optional = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const botEnvSchema = z
  .object({
    SLACK_BOT_TOKEN: required('the Bot User OAuth Token, xoxb-…').refine((v) => v.startsWith('xoxb-'), {
      error: 'expected a bot token (xoxb-…), from the app’s OAuth & Permissions page',
    }),
    SLACK_SIGNING_SECRET: optional,
    SLACK_APP_TOKEN: optional.refine((v) => v === undefined || v.startsWith('xapp-'), {
      error: 'expected an app-level token (xapp-…) with connections:write',
    }),
    PORT: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        if (raw === undefined || raw.trim() === '') return 3000;
        const n = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : NaN;
        if (!Number.isInteger(n) || n > 65535) {
          ctx.addIssue({
            code: 'custom',
            message: `expected a port from 0 to 65535 (got ${JSON.stringify(raw)})`,
          });
          return z.NEVER;
        }
        return n;
      }),
    SLACK_API_URL: optional.transform((raw, ctx) => {
      if (raw === undefined) return undefined;
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `expected a URL like https://slack.com/api/ (got ${JSON.stringify(raw)})`,
        });
        return z.NEVER;
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        ctx.addIssue({ code: 'custom', message: 'expected an http(s) URL' });
        return z.NEVER;
      }
      // WebClient appends method names to it: it must end with a slash.
      return url.toString().endsWith('/') ? url.toString() : `${url.toString()}/`;
    }),
    CHANNEL_HOSTS: z
      .string()
      .optional()
      .transform((raw, ctx): ChannelHosts | null => {
        const parsed = parseChannelHosts(raw);
        if (!parsed.ok) {
          ctx.addIssue({ code: 'custom', message: parsed.error });
          return z.NEVER;
        }
        return parsed.value;
      }),
    ALERT_WEBHOOK_TOKEN: optional.refine((v) => v === undefined || /^[\x21-\x7e]{16,512}$/.test(v), {
      error: 'expected at least 16 printable characters without spaces (e.g. openssl rand -hex 32)',
    }),
    ALERT_CHANNEL: optional.refine((v) => v === undefined || /^[CG][A-Z0-9]{2,30}$/.test(v), {
      error: 'expected a channel id (C…, from the channel’s details), not its name',
    }),
    ALERT_HOST_LABEL: optional
      .refine((v) => v === undefined || /^[A-Za-z_][A-Za-z0-9_]{0,99}$/.test(v), {
        error: 'expected a Prometheus label name (letters, digits, _)',
      })
      .transform((v) => v ?? DEFAULT_HOST_LABEL),
    LOG_LEVEL: z
      .enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` })
      .optional()
      .transform((v) => v ?? 'info'),
    /** Hosts of one command that get a thread each; more become one fleet sweep. */
    THREAD_PER_HOST_MAX: wholeNumber(1, 20, THREAD_PER_HOST_MAX),
    /** Hosts one sweep covers at most; a command selecting more is refused. */
    SWEEP_MAX_HOSTS: wholeNumber(1, 10_000, SWEEP_MAX_HOSTS),
  })
  .superRefine((env, ctx) => {
    if (env.SWEEP_MAX_HOSTS < env.THREAD_PER_HOST_MAX)
      ctx.addIssue({
        code: 'custom',
        path: ['SWEEP_MAX_HOSTS'],
        message: `must be at least THREAD_PER_HOST_MAX (${env.THREAD_PER_HOST_MAX})`,
      });
    // Socket Mode authenticates the connection with the app token; HTTP mode must check every request.
    if (env.SLACK_APP_TOKEN === undefined && env.SLACK_SIGNING_SECRET === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['SLACK_SIGNING_SECRET'],
        message:
          'is required in HTTP mode (Basic Information → Signing Secret); or set SLACK_APP_TOKEN for Socket Mode',
      });
    // Alerts need both: where to post, and the token that lets a sender in.
    if (env.ALERT_WEBHOOK_TOKEN !== undefined && env.ALERT_CHANNEL === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['ALERT_CHANNEL'],
        message: 'is required with ALERT_WEBHOOK_TOKEN (the channel id alerts post their threads in)',
      });
    if (env.ALERT_CHANNEL !== undefined && env.ALERT_WEBHOOK_TOKEN === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['ALERT_WEBHOOK_TOKEN'],
        message: 'is required with ALERT_CHANNEL (the bearer token alert senders must send)',
      });
  });

export type BotSettings = z.output<typeof botEnvSchema> & { mode: 'socket' | 'http' };

export type BotSettingsResult = Result<BotSettings>;

/** The settings, or the first problem as one line naming the variable. */
export function botSettingsFrom(env: NodeJS.ProcessEnv): BotSettingsResult {
  const result = parseEnv(botEnvSchema, env);
  if (!result.ok) return result;
  const mode = result.value.SLACK_APP_TOKEN !== undefined ? 'socket' : 'http';
  return { ok: true, value: { ...result.value, mode } };
}

export type SlackClientSettings = { token: string; slackApiUrl?: string };

/**
 * What a worker needs to post to Slack: the bot token and SLACK_API_URL. Undefined when SLACK_BOT_TOKEN is not
 * set (a worker without Slack); a bad value is one line naming it.
 */
export function slackClientSettingsFrom(env: NodeJS.ProcessEnv): Result<SlackClientSettings | undefined> {
  if ((env.SLACK_BOT_TOKEN ?? '').trim() === '') return { ok: true, value: undefined };
  // The bot's schema, with a placeholder for what only the bot needs (the signing secret).
  const r = botSettingsFrom({
    SLACK_BOT_TOKEN: env.SLACK_BOT_TOKEN,
    SLACK_API_URL: env.SLACK_API_URL,
    SLACK_SIGNING_SECRET: 'not-needed-by-workers',
  });
  if (!r.ok) return r;
  return {
    ok: true,
    value: {
      token: r.value.SLACK_BOT_TOKEN,
      ...(r.value.SLACK_API_URL ? { slackApiUrl: r.value.SLACK_API_URL } : {}),
    },
  };
}

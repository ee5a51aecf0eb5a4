// Are the Slack settings complete, and does Slack accept the bot token (auth.test)? Skipped when no token is
// set: `diagnose`, `demo` and a worker printing to its terminal need no Slack.
import { botSettingsFrom } from '../slack/settings.js';
import { createWebClient, describeSlackError } from '../slack/calls.js';
import { type CheckResult, failed, ok, skip } from './check.js';

const REFUSED = /invalid_auth|not_authed|account_inactive|token_revoked|token_expired|not_allowed_token_type/;

export async function checkSlack(env: NodeJS.ProcessEnv, timeoutMs = 5_000): Promise<CheckResult[]> {
  const token = env.SLACK_BOT_TOKEN;
  if (token === undefined || token === '')
    return [
      skip(
        'slack',
        'SLACK_BOT_TOKEN is not set: no Slack (fine for diagnose and demo)',
        'for the bot, install the app from manifest.yml and set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)',
      ),
    ];
  const results: CheckResult[] = [];
  const settings = botSettingsFrom(env);
  results.push(
    settings.ok
      ? ok('slack settings', `${settings.value.mode === 'socket' ? 'Socket Mode' : 'HTTP'} mode`)
      : failed(
          'slack settings',
          settings.error,
          'correct the setting named (see `upstream-doctor bot --help`)',
        ),
  );
  const slackApiUrl = env.SLACK_API_URL || undefined;
  const client = createWebClient({ token, ...(slackApiUrl ? { slackApiUrl } : {}), timeoutMs });
  try {
    const answer = await client.auth.test();
    results.push(
      ok(
        'slack token',
        `auth.test: bot ${answer.user ?? '?'} (${answer.user_id ?? '?'}) in ${answer.team ?? '?'}`,
      ),
    );
  } catch (err) {
    const why = describeSlackError(err);
    results.push(
      REFUSED.test(why)
        ? failed(
            'slack token',
            `Slack refused SLACK_BOT_TOKEN (${why})`,
            "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page; reinstall the app if it was revoked",
          )
        : failed(
            'slack token',
            `cannot reach Slack at ${slackApiUrl ?? 'https://slack.com/api/'} (${why})`,
            'let this machine reach slack.com over HTTPS (proxy, firewall), or correct SLACK_API_URL',
          ),
    );
  }
  const appToken = settings.ok ? settings.value.SLACK_APP_TOKEN : undefined;
  if (appToken !== undefined) results.push(await checkAppToken(appToken, slackApiUrl, timeoutMs));
  return results;
}

/**
 * Socket Mode: may the app-level token open a connection? apps.connections.open only hands out a WebSocket URL
 * (nothing connects to it), so asking does not disturb a running bot.
 */
async function checkAppToken(
  appToken: string,
  slackApiUrl: string | undefined,
  timeoutMs: number,
): Promise<CheckResult> {
  const client = createWebClient({ token: appToken, ...(slackApiUrl ? { slackApiUrl } : {}), timeoutMs });
  try {
    await client.apps.connections.open();
    return ok('slack app token', 'apps.connections.open: Socket Mode connections allowed');
  } catch (err) {
    const why = describeSlackError(err);
    return REFUSED.test(why)
      ? failed(
          'slack app token',
          `Slack refused SLACK_APP_TOKEN (${why})`,
          "create an app-level token with the connections:write scope (the app's Basic Information page) and enable Socket Mode",
        )
      : failed(
          'slack app token',
          `cannot reach Slack at ${slackApiUrl ?? 'https://slack.com/api/'} (${why})`,
          'let this machine reach slack.com over HTTPS (proxy, firewall), or correct SLACK_API_URL',
        );
  }
}

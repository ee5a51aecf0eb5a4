// The messages of an alert's thread: the parent that says which alert fired (its name, its summary, since
// when) and on which host, the verdict with that line kept under it, the same once the alert resolved
// ("resolved at …", the verdict kept), and the short reply when it fires again. The alert's name and
// summary come from a webhook: hostile, already bounded (alert-payload.ts), escaped here. Pure: no I/O.
import type { Report } from '../model/types.js';
import type { AlertContext } from '../queue/notifier.js';
import type { DiagnosisOutcome } from '../queue/outcome.js';
import type { PlanState, PlanStatus } from '../remediate/plan.js';
import { context, section, type SlackMessage } from './blocks.js';
import { cutToEscapedLength, inlineCode, mention, oneLine, untrustedProse } from './mrkdwn.js';
import { cutMrkdwn, renderFailed, renderVerdict } from './render.js';

const FIRING = ':rotating_light:';
const RESOLVED = ':white_check_mark:';

/** "2026-12-03 10:32:05 UTC": a time of the alert's, readable, whatever zone its sender wrote. */
export function alertTime(iso: string): string {
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return 'an unknown time';
  return `${t.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const nameOf = (alert: AlertContext) => inlineCode(oneLine(alert.name)) || '`alert`';
const summaryOf = (alert: AlertContext) =>
  alert.summary === '' ? '' : `: ${untrustedProse(oneLine(alert.summary))}`;

/** The alert in one mrkdwn line: which fired, since when, and (once resolved) when it resolved. */
export function alertLine(alert: AlertContext, resolvedAt?: string): string {
  const since = `firing since ${alertTime(alert.since)}`;
  const line =
    resolvedAt === undefined
      ? `${FIRING} alert ${nameOf(alert)} ${since}${summaryOf(alert)}`
      : `${RESOLVED} alert ${nameOf(alert)} resolved at ${alertTime(resolvedAt)} (${since})${summaryOf(alert)}`;
  return cutMrkdwn(line, 1500);
}

/** The parent an alert posts: which alert fired, on which host, and that the diagnosis is on its way. */
export function renderAlertParent(alert: AlertContext, target: string): SlackMessage {
  const host = inlineCode(oneLine(target).slice(0, 200)) || '`?`';
  const text = `Alert ${oneLine(alert.name)} on ${oneLine(target).slice(0, 200)}: diagnosing`;
  return {
    text: untrustedProse(cutToEscapedLength(text, 300).text),
    blocks: [section(alertLine(alert)), context(`:mag: Diagnosing ${host}…`)],
  };
}

/** A verdict (or any parent) with the alert's line above it, resolved or not. */
export function withAlert(message: SlackMessage, alert: AlertContext, resolvedAt?: string): SlackMessage {
  const prefix =
    resolvedAt === undefined ? `Alert ${oneLine(alert.name)}` : `Resolved: ${oneLine(alert.name)}`;
  return {
    text: cutMrkdwn(`${untrustedProse(prefix.slice(0, 120))} · ${message.text}`, 300),
    blocks: [section(alertLine(alert, resolvedAt)), ...message.blocks],
  };
}

/** The parent's verdict for an outcome as the worker's notifier renders it (render.ts), without the alert line. */
export function outcomeVerdict(outcome: DiagnosisOutcome, requester: string): SlackMessage {
  return outcome.kind === 'report'
    ? renderVerdict(outcome.report as Report, requester, undefined)
    : renderFailed(outcome.target, outcome.message, requester);
}

const FATE: Partial<Record<PlanStatus, string>> = {
  applied: ':white_check_mark: applied and verified',
  'rolled-back': ':leftwards_arrow_with_hook: applied, then rolled back',
  failed: ':x: failed to apply',
  applying: ':hourglass_flowing_sand: being applied',
};

/** The verdict with what became of the fix it offered, once an approver acted on it (pending: as it is). */
export function withFixFate(message: SlackMessage, planId: string, state: PlanState): SlackMessage {
  const fate = FATE[state.status];
  if (!fate) return message;
  const by = state.by ? ` by ${mention(state.by)}` : '';
  return { ...message, blocks: [...message.blocks, context(`fix ${inlineCode(planId)}: ${fate}${by}`)] };
}

/** The parent once resolved while its diagnosis still runs (the verdict replaces it, still resolved). */
export function renderResolvedRunning(alert: AlertContext, target: string, resolvedAt: string): SlackMessage {
  const host = inlineCode(oneLine(target).slice(0, 200)) || '`?`';
  return withAlert(
    {
      text: untrustedProse(`diagnosing ${oneLine(target).slice(0, 200)}`),
      blocks: [context(`:mag: Diagnosing ${host}… the verdict lands here`)],
    },
    alert,
    resolvedAt,
  );
}

/** The reply when the same alert fires again before it resolved: no new thread, no new diagnosis. */
export function renderFiredAgain(alert: AlertContext, at: string): SlackMessage {
  const line = `${FIRING} ${nameOf(alert)} fired again at ${alertTime(at)}; the diagnosis above still stands (no new one while it fires).`;
  return {
    text: untrustedProse(cutToEscapedLength(`${oneLine(alert.name)} fired again`, 300).text),
    blocks: [context(cutMrkdwn(line, 1500))],
  };
}

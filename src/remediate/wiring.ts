// What a worker process needs to run remediations, from its environment: the plan store and the audit
// trail (AUDIT_LOG) on the worker's Redis connection, and the PlanRunner the remediate queue calls. With a
// Slack client, an apply's outcome also replaces the buttons of the plan's message.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { AuditTrail } from '../audit/trail.js';
import type { WebClient } from '../slack/calls.js';
import { planOutcomeUpdater } from '../slack/actions.js';
import { PlanStore } from './plan.js';
import { PlanRunner } from './runner.js';

export function remediationRunnerFromEnv(
  env: NodeJS.ProcessEnv,
  redis: Redis,
  prefix: string,
  options: { log: Logger; client?: WebClient },
): PlanRunner {
  const plans = new PlanStore(redis, prefix);
  return new PlanRunner({
    plans,
    audit: AuditTrail.fromEnv(env, redis, prefix),
    ...(options.client ? { onSettled: planOutcomeUpdater(options.client, plans, options.log) } : {}),
  });
}

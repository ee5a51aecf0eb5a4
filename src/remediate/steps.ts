// The steps of a plan's run on its host, as the requester's thread and the audit trail hear them: testing a
// plan (test-plan.ts) and applying one (apply.ts) each report every step as it ends, in one vocabulary, and
// take the same options for where a plan may write and who hears the steps.

export type StepName =
  'check' | 'backup' | 'write' | 'rename' | 'nginx-t' | 'reload' | 'verify' | 'restore' | 'candidate';

export interface StepReport {
  step: StepName;
  ok: boolean;
  /** One line for the thread: "nginx -t: syntax is ok", "GET / → 200". */
  message: string;
}

/** What testing and applying a plan both take. */
export interface OnHostOptions {
  /** REMEDIATION_ROOTS: where besides the main config's directory a plan may write. */
  roots?: readonly string[];
  /** Each step as it ends (the Notifier's thread, the audit trail). */
  onStep?: (step: StepReport) => void | Promise<void>;
}

/** The steps reported so far, each told to `onStep` as it is added. */
export class Steps {
  readonly list: StepReport[] = [];
  constructor(private readonly options: OnHostOptions) {}
  async report(step: StepName, okay: boolean, message: string): Promise<void> {
    const r = { step, ok: okay, message };
    this.list.push(r);
    await this.options.onStep?.(r);
  }
}

// A Notifier that prints: progress as one line per step, the report as the CLI renders it. Used by a worker
// for destinations it has no channel for (no Slack configured), so nothing is ever dropped silently. Host
// text (targets, steps, messages that quote a host) is shown escaped, like the CLI's report.
import type { Notifier, NotifierFactory, ProgressStep, ProposedFix } from '../notifier.js';
import type { Report } from '../../model/types.js';
import { visibleText as v } from '../../text/visible.js';
import { COLOR, PLAIN, renderReport } from '../../render/report-text.js';

/** Where the lines go: process.stdout, or a CLI command's stdout. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

export class TerminalNotifier implements Notifier {
  constructor(
    private readonly out: Output,
    /** Who the lines are for ("slack C123/1700000000.1"), so interleaved jobs stay readable. */
    private readonly label: string,
    private readonly color = out.isTTY === true,
  ) {}

  async progress(step: ProgressStep): Promise<void> {
    this.out.write(`[${v(this.label)}] ${v(step.target)}: ${v(step.step)}\n`);
  }

  async report(report: Report, fix?: ProposedFix): Promise<void> {
    this.out.write(
      `[${v(this.label)}] report for ${v(report.target)}\n${renderReport(report, this.color ? COLOR : PLAIN)}`,
    );
    // No buttons here: the plan waits in Redis until it expires, for whoever reads this to know it exists.
    if (fix?.withheld !== undefined)
      this.out.write(`[${this.label}] fix for ${fix.host} not offered: ${fix.withheld}\n`);
    else if (fix)
      this.out.write(
        `[${v(this.label)}] proposed fix ${v(fix.id)} for ${v(fix.host)} (approve it from Slack; valid until ${v(fix.expiresAt)})\n`,
      );
  }

  async failed(target: string, message: string): Promise<void> {
    this.out.write(`[${v(this.label)}] ${v(target)}: could not diagnose: ${v(message)}\n`);
  }

  async note(target: string, line: string): Promise<void> {
    this.out.write(`[${v(this.label)}] ${v(target)}: ${v(line)}\n`);
  }
}

/** Notifiers that print to `out`, each line labelled with its thread ("slack C123/1700000000.1"). */
export function terminalNotifiers(out: Output): NotifierFactory {
  return (destination) => new TerminalNotifier(out, `slack ${destination.channel}/${destination.threadTs}`);
}

// One status line on a terminal while hosts are collected ("2/5 done · web-03: reading nginx config"),
// rewritten in place and erased before the report. Nothing at all when stderr is not a terminal.
import type { Output } from './io.js';
import { visibleText } from '../text/visible.js';

export class Progress {
  private readonly pending: Set<string>;
  private readonly total: number;
  private shown = false;

  constructor(
    private readonly out: Output,
    hosts: string[],
  ) {
    this.pending = new Set(hosts);
    this.total = hosts.length;
  }

  update(host: string, step: string): void {
    if (!this.out.isTTY) return;
    const done = this.total - this.pending.size;
    const prefix = this.total > 1 ? `${done}/${this.total} done · ` : '';
    // The step may name an upstream from the host's config ("following upstream X"): shown escaped.
    const line = `${prefix}${visibleText(host)}: ${visibleText(step)}`;
    const width = (this.out as { columns?: number }).columns ?? 100;
    this.out.write(`\r\u001b[K${line.slice(0, width - 1)}`);
    this.shown = true;
  }

  done(host: string): void {
    this.pending.delete(host);
    const next = [...this.pending][0];
    if (next) this.update(next, 'collecting');
  }

  clear(): void {
    if (this.shown) this.out.write('\r\u001b[K');
    this.shown = false;
  }
}

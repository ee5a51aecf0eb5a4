// A thread entry for the thread pool's tests: it runs the regular expression the old include-glob code built
// from `a*a*a*…*b` (the hostile input of issue 12) against a long name, which backtracks for hours, or
// answers at once. Real work on a real thread, so the test sees what terminate() and a busy thread do.
import { threadId } from 'node:worker_threads';
import { serveThreadJobs } from '../../src/workers/thread-pool.js';

export type SpinJob =
  { kind: 'backtrack'; stars: number; name: string } | { kind: 'echo'; text: string } | { kind: 'thread' };

serveThreadJobs(async (job: SpinJob, progress) => {
  if (job.kind === 'echo') return job.text;
  if (job.kind === 'thread') return String(threadId);
  progress('backtracking');
  // How glob.ts turned each `*` into `.*` before the linear matcher: exponential in the number of stars.
  const re = new RegExp(`^a${'.*a'.repeat(job.stars)}.*b$`, 's');
  return String(re.test(job.name));
});

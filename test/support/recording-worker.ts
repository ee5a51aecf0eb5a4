// `upstream-doctor worker` as a process of its own whose requesters are recorded (recorder.ts) instead of
// answered in Slack, for tests that start, kill and stop worker processes and read what each requester
// heard. The command is the real one (settings, Redis, health server, signals, exit); only its Slack notifier
// is the recorder, handed over the way an embedding process hands one (WorkerExtras.slack). Run from source
// like cli.ts:  node --import tsx test/support/recording-worker.ts --inventory FILE  (QUEUE_PREFIX set).
import { runAsProcess } from '../../src/cli/exit.js';
import { processIo } from '../../src/cli/io.js';
import { worker } from '../../src/cli/worker.js';
import { redisForTest } from '../unit/queue/support.js';
import { recordingNotifiers } from './recorder.js';

const prefix = process.env.QUEUE_PREFIX;
if (!prefix) throw new Error('recording-worker.ts: set QUEUE_PREFIX (the calls are recorded under it)');
const redis = redisForTest();

runAsProcess(
  async (argv) => {
    try {
      return await worker(argv, processIo(), { slack: recordingNotifiers(redis, prefix) });
    } finally {
      await redis.quit().catch(() => redis.disconnect());
    }
  },
  process.argv.slice(2),
  (err) => (err instanceof Error ? (err.stack ?? err.message) : String(err)),
);

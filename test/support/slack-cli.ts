// The upstream-doctor command from source (node --import tsx) for the Slack end-to-end test. `worker` gets the
// Slack notifier built from its environment (SLACK_BOT_TOKEN, SLACK_API_URL), as a worker process of its own
// needs; every other command is the plain CLI.
import { processIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { worker } from '../../src/cli/worker.js';
import { slackNotifierFromEnv } from '../../src/slack/notifier.js';

async function run(argv: string[]): Promise<number> {
  if (argv[0] !== 'worker') return main(argv);
  const slack = slackNotifierFromEnv(process.env);
  if (!slack.ok) {
    process.stderr.write(`upstream-doctor worker: ${slack.error}\n`);
    return 2;
  }
  return worker(argv.slice(1), processIo(), slack.factory ? { slack: slack.factory } : {});
}

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `upstream-doctor: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(2);
  },
);

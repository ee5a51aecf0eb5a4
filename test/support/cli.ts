// The upstream-doctor command from source (node --import tsx), for end-to-end tests that run the bot and
// workers as processes without building dist/ first. It ends the way the published binary does (after the
// output drained); only an unexpected error shows its stack, for the test's log.
import { runAsProcess } from '../../src/cli/exit.js';
import { main } from '../../src/cli/main.js';

runAsProcess(main, process.argv.slice(2), (err) =>
  err instanceof Error ? (err.stack ?? err.message) : String(err),
);

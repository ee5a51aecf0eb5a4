// The upstream-doctor command from source (node --import tsx), for end-to-end tests that run the bot and
// workers as processes without building dist/ first.
import { processIo } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';

main(process.argv.slice(2), processIo()).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `upstream-doctor: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(2);
  },
);

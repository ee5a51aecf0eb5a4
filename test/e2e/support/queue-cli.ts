// The upstream-doctor command from source (node --import tsx), so queue tests run worker processes of the
// code under test, not of the last build. Same exit handling as bin/upstream-doctor.js.
import { main } from '../../../src/cli/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `upstream-doctor: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(2);
  },
);

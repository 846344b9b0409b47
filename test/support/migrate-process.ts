// Runs in a child process: one "service instance" applying the bundled migrations at start-up.
import { connect } from '../../src/index.ts';

const db = connect({ url: process.argv[2] });
try {
  process.stdout.write(JSON.stringify(await db.migrate()));
} finally {
  await db.close();
}

#!/usr/bin/env node
// The `enginecampro-db` executable.
import { runCli } from './run-cli.ts';

// An exit code rather than process.exit(), so output piped to another program is flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2));

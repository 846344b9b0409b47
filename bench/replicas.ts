// `node bench/replicas.ts [--quick]`: the read-replica measurement of `npm run bench` alone, printed, nothing written.
import { configFromArguments } from './config.ts';
import { measureReplicas } from './measure/replicas.ts';

const config = configFromArguments(process.argv.slice(2));
const results = await measureReplicas(config, console.log);
if ('unavailable' in results) {
  console.log(`replicas cannot run here: ${results.unavailable}`);
} else {
  for (const row of results) {
    console.log(`${row.setup}, ${row.callers} callers: ${row.opsPerSecond.toFixed(0)} reads/s, median ${row.medianMs.toFixed(2)} ms, p99 ${row.p99Ms.toFixed(2)} ms (${row.operations} reads)`);
  }
}

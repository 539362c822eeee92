// `npm run load -- [--users N] [--seconds S] [--fault REGION]`: starts an isolated local stack,
// runs the load (and the fault) against it, prints the report, stops everything. Loopback only.
import { parseArgs } from 'node:util';
import { startStack } from '../support/stack.ts';
import { runLoad } from './load.ts';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '30' },
    seconds: { type: 'string', default: '30' },
    fault: { type: 'string' },
  },
});
const users = Number(values.users);
const seconds = Number(values.seconds);
if (!(users >= 1 && users <= 300 && seconds >= 5 && seconds <= 600)) {
  console.error('--users must be 1-300 and --seconds 5-600');
  process.exit(2);
}
console.log(`starting an isolated stack for ${users} users over ${seconds} s${values.fault ? `, stopping ${values.fault}'s database mid-run` : ''}…`);
const stack = await startStack();
try {
  const report = await runLoad({
    url: stack.url,
    dataDir: stack.dataDir,
    manifest: stack.manifest,
    users,
    seconds,
    ...(values.fault ? { fault: { region: values.fault, atSecond: Math.round(seconds / 3), downSeconds: Math.round(seconds / 4) } } : {}),
  });
  console.log(JSON.stringify(report, null, 2));
  const ok = report.lostWrites === 0 && report.wrongSilo === 0 && report.unexpected5xx === 0 && report.otherRegionErrorsDuringFault === 0;
  console.log(ok ? 'RESULT: no lost writes, nothing in a wrong silo, no unexpected 5xx' : 'RESULT: FAILED');
  process.exitCode = ok ? 0 : 1;
} finally {
  await stack.stop();
}

// The stack under load and a fault, in CI's small configuration (`npm run load` runs bigger ones):
// users in every region write through the global URL while one region's database is stopped and
// started again. Nothing acknowledged is lost, nothing lands in a wrong silo, the other regions
// see no errors, and the stopped region's users get 503 (never a 5xx of another kind).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runLoad, type LoadReport } from '../load/load.ts';
import { startStack, type RunningStack } from '../support/stack.ts';

let stack: RunningStack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});

test('load across all regions with one database stopped mid-run', async () => {
  const report: LoadReport = await runLoad({
    url: stack.url,
    dataDir: stack.dataDir,
    manifest: stack.manifest,
    users: 9,
    seconds: 12,
    fault: { region: 'eu-west-1', atSecond: 4, downSeconds: 3 },
  });
  console.log(`load report: ${JSON.stringify(report)}`);
  assert.ok(report.acknowledgedWrites > 20, `${report.acknowledgedWrites} writes acknowledged`);
  assert.equal(report.lostWrites, 0, 'every acknowledged write is in its home silo');
  assert.equal(report.wrongSilo, 0, 'no write landed in another silo');
  assert.equal(report.unexpected5xx, 0, 'no 5xx outside the stopped region');
  assert.equal(report.otherRegionErrorsDuringFault, 0, 'the other regions saw no errors');
  assert.ok((report.faultStatuses?.['503'] ?? 0) > 0, 'the stopped region answered 503');
  const otherFailures = Object.entries(report.faultStatuses ?? {}).filter(([s]) => Number(s) >= 500 && s !== '503');
  assert.deepEqual(otherFailures, [], 'the stopped region answered only 503 among 5xx');
});

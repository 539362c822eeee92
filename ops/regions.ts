// `npm run regions -- <command>`: the operators' tool for the region catalog.
//   validate                 schema and residency-policy checks
//   plan                     what applying the catalog to the target would change, with its impact
//   apply [--yes] [--force]  plan, confirm, write to the target (compare-and-swap), log it
//   add-region --code C --label L --jurisdiction J [--status S]   edit the catalog file
//   set-status REGION STATUS [--force]                            edit the catalog file
//   log                      the target's append-only apply log
// Every command takes --catalog FILE and --policy FILE (default: the repository's); plan, apply
// and log take --data DIR (default: the running local stack's data folder).
import { existsSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_CATALOG_FILE, DEFAULT_POLICY_FILE } from '../catalog/default-file.ts';
import { loadCheckedCatalog } from '../catalog/load.ts';
import { planChanges, type Plan } from '../catalog/plan.ts';
import { CatalogError } from '../catalog/schema.ts';
import { applyLogFile, ConcurrentEditError } from '../local/running-catalog.ts';
import { readSettings, StackNotRunningError } from '../local/settings.ts';
import { addRegion, EditRefused, setStatus, writeCatalogFile } from './catalog-edits.ts';
import { openLocalTarget } from './local-target.ts';

const USAGE = `usage: npm run regions -- <command> [options]

commands:
  validate                       check the catalog against its schema and the residency policy
  plan                           what applying the catalog to the running stack would change
  apply [--yes] [--force]        plan, confirm, apply (compare-and-swap), wait for the edge
  add-region --code C --label L --jurisdiction J [--status S]   add a region to the catalog file
  set-status REGION STATUS [--force]    active | draining | offline (offline needs --force)
  log                            the append-only log of applies

options:
  --catalog FILE   the catalog (default: catalog/regions.json)
  --policy FILE    the residency policy (default: catalog/policy.json)
  --data DIR       the running local stack's data folder (default: RESIDENCY_DATA or .residency)`;

class UsageError extends Error {}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        catalog: { type: 'string', default: DEFAULT_CATALOG_FILE },
        policy: { type: 'string', default: DEFAULT_POLICY_FILE },
        data: { type: 'string' },
        target: { type: 'string', default: 'local' },
        yes: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        code: { type: 'string' },
        label: { type: 'string' },
        jurisdiction: { type: 'string' },
        status: { type: 'string', default: 'active' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
}

const { values: opts, positionals } = parse();
const [command, ...args] = positionals;
if (opts.help || !command) {
  console.log(USAGE);
  process.exit(opts.help ? 0 : 2);
}

const dataDir = () => opts.data ?? readSettings().dataDir;
const checked = () => loadCheckedCatalog(opts.catalog, opts.policy);

function target() {
  if (opts.target !== 'local') {
    throw new UsageError(`target "${opts.target}" is not supported yet: only the local stack (--target local) can be planned and applied`);
  }
  return openLocalTarget(dataDir());
}

function printPlan(plan: Plan, describe: string, users: Record<string, number>) {
  console.log(`Plan against ${describe}`);
  if (plan.changes.length === 0) console.log('  No changes: the target already runs this catalog.');
  for (const c of plan.changes) console.log(`  ~ ${c.subject}: ${c.change}\n      ${c.impact}`);
  const counts = Object.entries(users).map(([r, n]) => `${r} ${n}`).join(', ');
  console.log(`Users per region (directory, counts only): ${counts || 'none yet'}`);
  for (const w of plan.warnings) console.log(`  ! ${w}`);
  for (const f of plan.needsForce) console.log(opts.force ? `  ! forced: ${f}` : `  ! needs --force: ${f}`);
  for (const r of plan.refusals) console.log(`  ✗ refused: ${r}`);
}

async function planFor() {
  const proposed = checked();
  const t = target();
  const users = await t.usersByRegion();
  const plan = planChanges(t.running, proposed, users);
  const missing = proposed.regions.filter((r) => !t.silos.includes(r.code)).map((r) => r.code);
  for (const m of missing) plan.refusals.push(`${m} has no silo in the running stack yet; restart it (npm start) to create one`);
  return { proposed, t, users, plan };
}

async function confirm(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    const answer = await Promise.race([rl.question(question), new Promise<string>((r) => rl.once('close', () => r('')))]);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

async function run(): Promise<number> {
  switch (command) {
    case 'validate': {
      const c = checked();
      console.log(`${opts.catalog}: valid — ${c.regions.length} regions, ${Object.keys(c.countries).length} countries, all within ${opts.policy}`);
      return 0;
    }
    case 'plan': {
      const { t, users, plan } = await planFor();
      printPlan(plan, t.describe, users);
      return plan.refusals.length ? 1 : 0;
    }
    case 'apply': {
      const { proposed, t, users, plan } = await planFor();
      printPlan(plan, t.describe, users);
      if (plan.refusals.length) return fail('nothing applied: resolve the refusals above first');
      if (plan.needsForce.length && !opts.force) return fail('nothing applied: pass --force to take a region offline');
      if (plan.changes.length === 0) return 0;
      if (!opts.yes && !(await confirm('Apply these changes? [y/N] '))) return fail('nothing applied');
      const etag = t.apply(proposed, t.etag, {
        at: new Date().toISOString(),
        who: `${userInfo().username}@${hostname()}`,
        source: opts.catalog,
        changes: plan.changes.map((c) => `${c.subject}: ${c.change}`),
      });
      const deployed = await t.awaitDeployment(etag);
      if (!deployed) return fail(`Applied (running catalog ${etag}), but the edge did not confirm it within 10 s: is the stack running?`);
      if (!deployed.ok) {
        // Put the previous catalog back, so that silos and edge do not disagree.
        t.apply(t.running, etag, { at: new Date().toISOString(), who: `${userInfo().username}@${hostname()}`, source: 'rollback', changes: [`rolled back ${etag}: ${deployed.error}`] });
        return fail(`Not applied: the edge could not deploy catalog ${etag} (${deployed.error}); the previous catalog was restored.`);
      }
      console.log(`Applied: running catalog ${etag} is deployed at the edge; the silos reload it within a second. No restart needed.`);
      return 0;
    }
    case 'add-region': {
      const { code, label, jurisdiction, status } = opts;
      if (!code || !label || !jurisdiction) throw new UsageError('add-region needs --code, --label and --jurisdiction');
      const next = addRegion(checked(), { code, label, jurisdiction, status: status as never });
      writeCatalogFile(opts.catalog, opts.policy, next);
      console.log(`${opts.catalog}: added ${code}. It gets a silo on the next npm start and a stack on the next synth; map countries to it, then plan and apply.`);
      return 0;
    }
    case 'set-status': {
      const [code, status] = args;
      if (!code || !status) throw new UsageError('set-status needs REGION and STATUS (active, draining or offline)');
      writeCatalogFile(opts.catalog, opts.policy, setStatus(checked(), code, status, opts.force));
      console.log(`${opts.catalog}: ${code} is now ${status} in the file. Run plan and apply to put it into effect.`);
      return 0;
    }
    case 'log': {
      const file = applyLogFile(dataDir());
      if (!existsSync(file)) return fail(`no apply log at ${file}`);
      process.stdout.write(readFileSync(file, 'utf8'));
      return 0;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

function fail(message: string): number {
  console.error(message);
  return 1;
}

try {
  process.exitCode = await run();
} catch (err) {
  if (err instanceof CatalogError || err instanceof EditRefused || err instanceof ConcurrentEditError || err instanceof StackNotRunningError) {
    console.error(err.message);
    process.exitCode = 1;
  } else if (err instanceof UsageError) {
    console.error(err.message);
    process.exitCode = 2;
  } else {
    throw err;
  }
}

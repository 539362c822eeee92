// `npm run regions -- <command>`: the operators' tool for the region catalog.
//   validate                 schema and residency-policy checks
//   plan                     what applying the catalog to the target would change, with its impact
//   apply [--yes] [--force]  plan, confirm, write to the target (compare-and-swap), log it
//   add-region --code C --label L --jurisdiction J [--status S]   edit the catalog file
//   set-status REGION STATUS [--force]                            edit the catalog file
//   log                      the target's append-only apply log
// Every command takes --catalog FILE and --policy FILE (default: the repository's); plan, apply
// and log take a target: --target local (default; --data DIR, default the running local stack's
// data folder) or --target aws (--routing-bucket NAME or --account ID, --routing-region).
import { hostname, userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { DEFAULT_CATALOG_FILE, DEFAULT_POLICY_FILE } from '../catalog/default-file.ts';
import { loadCheckedCatalog } from '../catalog/load.ts';
import { planChanges, type Plan } from '../catalog/plan.ts';
import { CatalogError } from '../catalog/schema.ts';
import { ConcurrentEditError } from '../local/running-catalog.ts';
import { readSettings, StackNotRunningError } from '../local/settings.ts';
import { addRegion, EditRefused, setStatus, writeCatalogFile } from './catalog-edits.ts';
import { openAwsTarget } from './aws-target.ts';
import { openLocalTarget } from './local-target.ts';
import { TargetError, type ApplyTarget } from './target.ts';

const USAGE = `usage: npm run regions -- <command> [options]

commands:
  validate                       check the catalog against its schema and the residency policy
  plan                           what applying the catalog to the target would change
  apply [--yes] [--force]        plan, confirm, apply (compare-and-swap), then deploy (local: at once)
  add-region --code C --label L --jurisdiction J [--status S]   add a region to the catalog file
  set-status REGION STATUS [--force]    active | draining | offline (offline needs --force)
  log                            the append-only log of applies

options:
  --catalog FILE   the catalog (default: catalog/regions.json)
  --policy FILE    the residency policy (default: catalog/policy.json)
  --target T       local (default): the running local stack; aws: the router's deploy-time
                   configuration (the catalog object the edge stack is synthesised from)
  --data DIR       local: the stack's data folder (default: RESIDENCY_DATA or .residency)
  --routing-bucket NAME   aws: the routing bucket (default: residency-routing-<account>)
  --account ID     aws: the AWS account (default: CDK_DEFAULT_ACCOUNT)
  --routing-region R      aws: where the edge stack lives (default: us-east-1)`;

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
        'routing-bucket': { type: 'string' },
        'routing-region': { type: 'string' },
        account: { type: 'string' },
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

async function target(): Promise<ApplyTarget> {
  if (opts.target === 'local') return openLocalTarget(dataDir());
  if (opts.target === 'aws') {
    return openAwsTarget({
      bucket: opts['routing-bucket'],
      account: opts.account ?? process.env.CDK_DEFAULT_ACCOUNT,
      region: opts['routing-region'],
      seed: checked(),
    });
  }
  throw new UsageError(`unknown target "${opts.target}": use local or aws`);
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
  const t = await target();
  const users = await t.usersByRegion();
  const plan = planChanges(t.running, proposed, users);
  const ready = t.readiness(proposed);
  plan.refusals.push(...ready.refusals);
  plan.warnings.push(...ready.warnings);
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
      // An empty target is seeded even when the catalog matches what it was deployed with.
      if (plan.changes.length === 0 && t.etag !== null) return 0;
      if (!opts.yes && !(await confirm('Apply these changes? [y/N] '))) return fail('nothing applied');
      const entry = {
        at: new Date().toISOString(),
        who: `${userInfo().username}@${hostname()}`,
        source: opts.catalog,
        changes: plan.changes.length ? plan.changes.map((c) => `${c.subject}: ${c.change}`) : ['seeded with the catalog the edge runs'],
      };
      const etag = await t.apply(proposed, t.etag, entry);
      const settled = await t.settle(etag, t.running, entry);
      if (!settled.ok) return fail(settled.message);
      console.log(settled.message);
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
      process.stdout.write(await (await target()).log());
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
  if (err instanceof CatalogError || err instanceof EditRefused || err instanceof ConcurrentEditError || err instanceof StackNotRunningError || err instanceof TargetError) {
    console.error(err.message);
    process.exitCode = 1;
  } else if (err instanceof UsageError) {
    console.error(err.message);
    process.exitCode = 2;
  } else {
    throw err;
  }
}

// Reads the region catalog (and the residency policy) from disk, strictly. The only catalog I/O
// in the project.
import { readFileSync } from 'node:fs';
import { policyProblems, policyViolations, type ResidencyPolicy } from './policy.ts';
import { CatalogError, parseCatalog, type Catalog } from './schema.ts';

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogError(file, [`cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CatalogError(file, [`not valid JSON: ${(err as Error).message}`]);
  }
}

/** The catalog alone (what a running silo needs: the policy was checked before it was deployed). */
export function loadCatalog(file: string): Catalog {
  return parseCatalog(readJsonFile(file), file);
}

/** The catalog file checked against the residency policy: every problem of both, listed at once. */
export function loadCheckedCatalog(catalogFile: string, policyFile: string): Catalog {
  let raw: unknown;
  try {
    raw = readJsonFile(catalogFile);
  } catch (err) {
    if (!(err instanceof CatalogError)) throw err;
    throw new CatalogError(catalogFile, err.problems.map((p) => `${catalogFile}: ${p}`));
  }
  return checkCatalog(raw, catalogFile, policyFile);
}

/** A catalog value (from a file or an edit) checked against its schema and the policy file. */
export function checkCatalog(raw: unknown, source: string, policyFile: string): Catalog {
  const problems: string[] = [];
  let catalog: Catalog | undefined;
  try {
    catalog = parseCatalog(raw, source);
  } catch (err) {
    if (!(err instanceof CatalogError)) throw err;
    problems.push(...err.problems.map((p) => `${source}: ${p}`));
  }
  let policy: ResidencyPolicy | undefined;
  try {
    const result = policyProblems(readJsonFile(policyFile));
    policy = result.policy;
    problems.push(...result.problems.map((p) => `${policyFile}: ${p}`));
  } catch (err) {
    if (!(err instanceof CatalogError)) throw err;
    problems.push(...err.problems.map((p) => `${policyFile}: ${p}`));
  }
  if (catalog && policy) problems.push(...policyViolations(catalog, policy).map((p) => `${source}: ${p}`));
  if (problems.length || !catalog) throw new CatalogError(source, problems);
  return catalog;
}

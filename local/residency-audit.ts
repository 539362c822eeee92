// The residency audit's rules, over what was read from every store (pure: no I/O here).
// For every account found in a silo, each of its PII values must appear in that silo and nowhere
// else: not in another silo, not in any global store (directory, static bucket, edge config,
// logs). The report names users by id and fields by name, never by value.
import { createHash } from 'node:crypto';
import type { StoreDump } from './stores.ts';

export interface TextStore {
  /** e.g. `global:edge-config`, `log:eu-west-1-api`. */
  store: string;
  text: string;
}

export interface AuditFinding {
  user: string;
  home: string;
  field: string;
  foundIn: string;
}

export interface AuditReport {
  users: { id: string; home: string; fields: string[] }[];
  findings: AuditFinding[];
  directory: { entries: number; problems: string[] };
  storesRead: string[];
}

interface AccountItem {
  id: string;
  email?: string;
  name?: string;
  profile?: { phone?: string | null; address?: Record<string, string> | null; dateOfBirth?: string | null };
}

/** The values that identify a person; short or common values (a date, a country) are skipped. */
function piiOf(a: AccountItem): [string, string][] {
  const fields: [string, string | null | undefined][] = [
    ['email', a.email],
    ['name', a.name],
    ['phone', a.profile?.phone],
    ['address.line1', a.profile?.address?.line1],
    ['address.line2', a.profile?.address?.line2],
  ];
  return fields.filter((f): f is [string, string] => typeof f[1] === 'string' && f[1].trim().length >= 5);
}

const lower = (s: string) => s.toLowerCase();

/** A receipt's name is the user's too (it may say who they are or what they were treated for). */
const isFileItem = (i: Record<string, unknown>) => typeof i.sk === 'string' && /^(FILE|UPLOAD)#/.test(i.sk) && typeof i.name === 'string';

function receiptNamesByUser(items: Record<string, unknown>[]): Map<string, string[]> {
  const names = new Map<string, string[]>();
  for (const i of items) {
    if (!isFileItem(i) || typeof i.pk !== 'string') continue;
    const user = i.pk.replace(/^USER#/, '');
    names.set(user, [...(names.get(user) ?? []), i.name as string]);
  }
  return names;
}

/** The user whose prefix an object key is under (files/<user>/… or incoming/<user>/…). */
const ownerOf = (key: string): string | undefined => /^(?:files|incoming)\/([^/]+)\//.exec(key)?.[1];

/** What an item itself carries of its owner, so that the same value elsewhere under its own owner is no leak. */
function ownValues(x: unknown): string[] {
  if (!x || typeof x !== 'object') return [];
  const item = x as Record<string, unknown>;
  if (isFileItem(item)) return [item.name as string];
  return item.id && item.sk === 'ACCOUNT' ? piiOf(item as unknown as AccountItem).map(([, v]) => v) : [];
}

export function auditResidency(dumps: StoreDump[], texts: TextStore[]): AuditReport {
  const silos = dumps.filter((d) => !d.store.startsWith('global:'));
  const receiptsIn = new Map(dumps.map((d) => [d.store, receiptNamesByUser(d.items)]));
  const accounts = silos.flatMap((d) =>
    d.items
      .filter((i) => i.sk === 'ACCOUNT' && typeof i.id === 'string')
      .map((i) => ({ home: d.store, account: i as unknown as AccountItem, receipts: receiptsIn.get(d.store)!.get(i.id as string) ?? [] })),
  );
  const valuesOf = (a: (typeof accounts)[number]): [string, string][] => [
    ...piiOf(a.account),
    ...a.receipts.filter((n) => n.trim().length >= 5).map((n): [string, string] => ['receipt name', n]),
  ];
  // A silo's haystack without each account's own values, so two people who share a name in two
  // regions are not a leak; anything else in that silo that carries the value is.
  const haystacks = new Map<string, { own: Set<string>; text: string }[]>();
  for (const d of dumps) {
    const receipts = receiptsIn.get(d.store)!;
    haystacks.set(
      d.store,
      [
        ...d.items.map((x) => ({ own: new Set(ownValues(x).map(lower)), text: lower(JSON.stringify(x)) })),
        // An object carries its owner's receipt names (its stored download name): same rule.
        ...Object.entries(d.objects).map(([key, bytes]) => ({
          own: new Set((receipts.get(ownerOf(key) ?? '') ?? []).map(lower)),
          text: lower(`${key}\n${d.meta?.[key] ?? ''}\n${bytes}`),
        })),
      ],
    );
  }
  const findings: AuditFinding[] = [];
  for (const a of accounts) {
    const { home, account } = a;
    for (const [field, value] of valuesOf(a)) {
      const needle = lower(value);
      for (const [store, entries] of haystacks) {
        if (store === home) continue;
        if (entries.some((e) => !e.own.has(needle) && e.text.includes(needle))) findings.push({ user: account.id, home, field, foundIn: store });
      }
      for (const t of texts) {
        if (lower(t.text).includes(needle)) findings.push({ user: account.id, home, field, foundIn: t.store });
      }
    }
  }
  // An erasure that stopped half-way (503 erasure_incomplete, not called again) still holds data.
  for (const a of accounts) {
    if ((a.account as { erasing?: boolean }).erasing) findings.push({ user: a.account.id, home: a.home, field: 'erasure not finished', foundIn: a.home });
  }
  // Objects outlive nobody: bytes under the prefix of a user the silo has no account for are what
  // an erasure left behind (or a stray write), and still personal data.
  for (const d of silos) {
    const known = new Set(accounts.filter((a) => a.home === d.store).map((a) => a.account.id));
    const orphans = new Set(Object.keys(d.objects).flatMap((k) => ownerOf(k) ?? []).filter((u) => !known.has(u)));
    for (const user of orphans) findings.push({ user, home: d.store, field: 'objects of a user without an account', foundIn: d.store });
  }
  return {
    users: accounts.map((a) => ({ id: a.account.id, home: a.home, fields: [...new Set(valuesOf(a).map(([f]) => f))] })),
    findings,
    directory: directoryProblems(dumps, accounts.map((a) => a.account)),
    storesRead: [...dumps.map((d) => d.store), ...texts.map((t) => t.store)],
  };
}

/** The directory holds `{bidx, region}` only, and bidx is a keyed HMAC: no e-mail, no bare hash. */
function directoryProblems(dumps: StoreDump[], accounts: AccountItem[]) {
  const dir = dumps.find((d) => d.store === 'global:directory');
  const problems: string[] = [];
  const bare = new Set(
    accounts.flatMap((a) => (a.email ? ['md5', 'sha1', 'sha256'].map((h) => createHash(h).update(lower(a.email!.trim())).digest('hex')) : [])),
  );
  for (const item of dir?.items ?? []) {
    const keys = Object.keys(item).sort().join(',');
    if (keys !== 'bidx,region') problems.push(`an entry has attributes ${keys} (only bidx, region are allowed)`);
    if (JSON.stringify(item).includes('@')) problems.push('an entry contains an "@"');
    if (bare.has(String(item.bidx))) problems.push('an entry is keyed by an unkeyed hash of an e-mail');
  }
  return { entries: dir?.items.length ?? 0, problems };
}

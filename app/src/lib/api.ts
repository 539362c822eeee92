// Typed wrapper over the HTTP contract. Every URL is relative: one global origin serves the app,
// and the edge decides which region answers. No region is ever named in this code.

export interface Country {
  code: string;
  name: string;
}

export interface AppConfig {
  product: string;
  countries: Country[];
}

export interface User {
  id: string;
  email: string;
  name: string;
  country: string;
  region: string;
  regionLabel: string;
  jurisdiction: string;
}

export interface Address {
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface Profile {
  name: string;
  /** YYYY-MM-DD */
  dateOfBirth: string | null;
  phone: string | null;
  address: Address | null;
}

export type RecordKind = 'heart_rate' | 'blood_oxygen' | 'blood_glucose' | 'weight' | 'blood_pressure';

export interface BloodPressure {
  systolic: number;
  diastolic: number;
}

/** One measurement. `kind` is a string so a kind this build does not know yet still shows. */
export interface HealthRecord {
  id: string;
  kind: string;
  /** An object for blood pressure, a number for every other kind. */
  value: number | BloodPressure;
  unit: string;
  /** ISO 8601, UTC: when the measurement was taken. */
  takenAt: string;
  /** ISO 8601, UTC: when it was stored. */
  createdAt: string;
}

export interface NewRecord {
  kind: RecordKind;
  value: number | BloodPressure;
  unit: string;
  /** ISO 8601, UTC. */
  takenAt: string;
}

export interface ActivityEntry {
  id: string;
  /**
   * signup, login, profile_update, record_add, record_delete, file_upload, file_delete or export
   * (or one added later).
   */
  action: string;
  /** ISO 8601, UTC. */
  at: string;
  /** A short non-PII note, e.g. the record kind or the file type (never a file name). */
  detail: string | null;
}

/** One page of a newest-first list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface PageRequest {
  limit?: number;
  cursor?: string | null;
}

/** A stored receipt. `type` is a string so a type this build does not know yet still shows. */
export interface StoredFile {
  id: string;
  /** Exactly as uploaded: may hold spaces, '+', '@', '%' or any script. Text, never markup. */
  name: string;
  /** application/pdf, image/png or image/jpeg. */
  type: string;
  /** Bytes. */
  size: number;
  /** ISO 8601, UTC. */
  uploadedAt: string;
}

/** What is about to be uploaded: step one of an upload. */
export interface NewUpload {
  name: string;
  type: string;
  size: number;
}

/** Where to send the bytes (step two), answered by step one. */
export interface UploadTarget {
  id: string;
  url: string;
  method: string;
  /** Send exactly these with the bytes: the URL's signature covers them. */
  headers: Record<string, string>;
  /** ISO 8601, UTC. */
  expiresAt: string;
}

export interface FileTotals {
  total: number;
  bytes: number;
}

export interface Stats {
  total: number;
  /** Only kinds the server counted; a missing kind means none. */
  byKind: Record<string, number>;
  /** Receipts; null from a server that does not count them yet. */
  files: FileTotals | null;
  /** ISO 8601, UTC, or null before any activity. */
  lastActivityAt: string | null;
}

/** The "Download my data" document, ready to save. */
export interface ExportFile {
  blob: Blob;
  filename: string;
}

export interface SignUpInput {
  name: string;
  email: string;
  password: string;
  country: string;
}

/** A failed call, carrying the server's stable code and human message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  /** Seconds, from Retry-After, when the server sent one. */
  readonly retryAfter: number | undefined;

  constructor(status: number, code: string, message: string, field?: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field;
    this.retryAfter = retryAfter;
  }
}

type SessionLostHandler = (error: ApiError) => void;
let sessionLost: SessionLostHandler | undefined;

/**
 * Called when a call that needs a session gets a 401, so the app can leave the signed-in
 * screens from one place instead of every component handling expiry itself.
 */
export function onSessionLost(handler: SessionLostHandler): () => void {
  sessionLost = handler;
  return () => {
    if (sessionLost === handler) sessionLost = undefined;
  };
}

interface RequestOptions {
  body?: unknown;
  /** The call only makes sense with a session; a 401 means it has ended. */
  needsSession?: boolean;
}

async function request(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
  return readJson(await send(method, path, options));
}

/** The response when it is a success; otherwise the server's error, thrown as an ApiError. */
async function send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }

  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'network_error', 'We could not reach the server. Check your connection and try again.');
  }
  if (response.ok) return response;

  const error = toApiError(response, await readJson(response));
  if (response.status === 401 && options.needsSession) sessionLost?.(error);
  throw error;
}

/** The body as JSON, or undefined when there is none or it is not JSON (e.g. a proxy's HTML page). */
async function readJson(response: Response): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text().catch(() => '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toApiError(response: Response, data: unknown): ApiError {
  const body = isRecord(data) ? data : {};
  const code = typeof body.error === 'string' ? body.error : `http_${response.status}`;
  const message =
    typeof body.message === 'string' && body.message !== '' ? body.message : 'Something went wrong. Please try again.';
  const field = typeof body.field === 'string' ? body.field : undefined;
  const retryHeader = Number.parseInt(response.headers.get('retry-after') ?? '', 10);
  return new ApiError(response.status, code, message, field, Number.isFinite(retryHeader) ? retryHeader : undefined);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Fails loudly on a body that does not match the contract, rather than rendering "undefined". */
function badResponse(): ApiError {
  return new ApiError(502, 'bad_response', 'The server sent an unexpected answer. Please try again.');
}

function asUser(value: unknown): User {
  if (!isRecord(value)) throw badResponse();
  const keys = ['id', 'email', 'name', 'country', 'region', 'regionLabel', 'jurisdiction'] as const;
  for (const key of keys) if (typeof value[key] !== 'string') throw badResponse();
  return value as unknown as User;
}

function userOf(data: unknown): User {
  return asUser(isRecord(data) ? data.user : undefined);
}

function asString(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback;
}

function asProfile(data: unknown): Profile {
  const profile = isRecord(data) ? data.profile : undefined;
  if (!isRecord(profile)) throw badResponse();
  const address = isRecord(profile.address) ? profile.address : null;
  return {
    name: asString(profile.name),
    dateOfBirth: typeof profile.dateOfBirth === 'string' ? profile.dateOfBirth : null,
    phone: typeof profile.phone === 'string' ? profile.phone : null,
    address: address && {
      line1: asString(address.line1),
      line2: asString(address.line2),
      city: asString(address.city),
      postalCode: asString(address.postalCode),
      country: asString(address.country),
    },
  };
}

export async function getConfig(): Promise<AppConfig> {
  const data = await request('GET', '/api/config');
  if (!isRecord(data) || typeof data.product !== 'string' || !Array.isArray(data.countries)) throw badResponse();
  const countries = data.countries.filter(
    (c): c is Country => isRecord(c) && typeof c.code === 'string' && typeof c.name === 'string',
  );
  return { product: data.product, countries };
}

/** The signed-in user, or null when there is no (valid) session. */
export async function getMe(): Promise<User | null> {
  try {
    return asUser(await request('GET', '/api/me', { needsSession: true }));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function signUp(input: SignUpInput): Promise<User> {
  return userOf(await request('POST', '/api/auth/signup', { body: input }));
}

/** Step one of sign-in: lets the edge learn which region holds this email's account. */
export async function locate(email: string): Promise<void> {
  await request('POST', '/api/auth/locate', { body: { email } });
}

export async function logIn(email: string, password: string): Promise<User> {
  return userOf(await request('POST', '/api/auth/login', { body: { email, password } }));
}

export async function logOut(): Promise<void> {
  try {
    await request('POST', '/api/auth/logout');
  } catch (error) {
    // Already signed out is the outcome we wanted.
    if (error instanceof ApiError && error.status === 401) return;
    throw error;
  }
}

export async function getProfile(): Promise<Profile> {
  return asProfile(await request('GET', '/api/profile', { needsSession: true }));
}

export async function saveProfile(profile: Profile): Promise<Profile> {
  return asProfile(await request('PUT', '/api/profile', { body: profile, needsSession: true }));
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function asHealthRecord(value: unknown): HealthRecord {
  if (!isRecord(value)) throw badResponse();
  const { id, kind, unit, takenAt, createdAt } = value;
  if (typeof id !== 'string' || typeof kind !== 'string' || typeof unit !== 'string') throw badResponse();
  if (typeof takenAt !== 'string' || typeof createdAt !== 'string') throw badResponse();
  const raw = value.value;
  let measured: number | BloodPressure;
  if (isNumber(raw)) measured = raw;
  else if (isRecord(raw) && isNumber(raw.systolic) && isNumber(raw.diastolic))
    measured = { systolic: raw.systolic, diastolic: raw.diastolic };
  else throw badResponse();
  return { id, kind, value: measured, unit, takenAt, createdAt };
}

function asActivityEntry(value: unknown): ActivityEntry {
  if (!isRecord(value)) throw badResponse();
  const { id, action, at, detail } = value;
  if (typeof id !== 'string' || typeof action !== 'string' || typeof at !== 'string') throw badResponse();
  return { id, action, at, detail: typeof detail === 'string' && detail !== '' ? detail : null };
}

function asPage<T>(data: unknown, key: string, item: (value: unknown) => T): Page<T> {
  if (!isRecord(data)) throw badResponse();
  const items = data[key];
  const next = data.nextCursor;
  if (!Array.isArray(items) || (next !== null && next !== undefined && typeof next !== 'string')) throw badResponse();
  return { items: items.map(item), nextCursor: typeof next === 'string' && next !== '' ? next : null };
}

function pagePath(path: string, { limit, cursor }: PageRequest): string {
  const query = new URLSearchParams();
  if (limit !== undefined) query.set('limit', String(limit));
  if (cursor) query.set('cursor', cursor);
  const search = query.toString();
  return search === '' ? path : `${path}?${search}`;
}

/** Health records, newest first by the time they were taken. */
export async function listRecords(page: PageRequest = {}): Promise<Page<HealthRecord>> {
  return asPage(await request('GET', pagePath('/api/records', page), { needsSession: true }), 'records', asHealthRecord);
}

export async function addRecord(record: NewRecord): Promise<HealthRecord> {
  const data = await request('POST', '/api/records', { body: record, needsSession: true });
  return asHealthRecord(isRecord(data) ? data.record : undefined);
}

/** Fails with code `not_found` when the record is already gone. */
export async function deleteRecord(id: string): Promise<void> {
  await request('DELETE', `/api/records/${encodeURIComponent(id)}`, { needsSession: true });
}

/** What happened on the account, newest first. */
export async function listActivity(page: PageRequest = {}): Promise<Page<ActivityEntry>> {
  return asPage(await request('GET', pagePath('/api/activity', page), { needsSession: true }), 'activity', asActivityEntry);
}

export async function getStats(): Promise<Stats> {
  const data = await request('GET', '/api/stats', { needsSession: true });
  const records = isRecord(data) ? data.records : undefined;
  if (!isRecord(data) || !isRecord(records) || !isNumber(records.total)) throw badResponse();
  const byKind: Record<string, number> = {};
  if (isRecord(records.byKind)) {
    for (const [kind, count] of Object.entries(records.byKind)) if (isNumber(count)) byKind[kind] = count;
  }
  const last = data.lastActivityAt;
  return {
    total: records.total,
    byKind,
    files: asFileTotals(data.files),
    lastActivityAt: typeof last === 'string' && last !== '' ? last : null,
  };
}

function asFileTotals(value: unknown): FileTotals | null {
  if (value === undefined) return null;
  if (!isRecord(value) || !isNumber(value.total) || !isNumber(value.bytes)) throw badResponse();
  return { total: value.total, bytes: value.bytes };
}

function asStoredFile(value: unknown): StoredFile {
  if (!isRecord(value)) throw badResponse();
  const { id, name, type, size, uploadedAt } = value;
  if (typeof id !== 'string' || typeof name !== 'string' || typeof type !== 'string') throw badResponse();
  if (!isNumber(size) || typeof uploadedAt !== 'string') throw badResponse();
  return { id, name, type, size, uploadedAt };
}

function asUploadTarget(value: unknown): UploadTarget {
  if (!isRecord(value)) throw badResponse();
  const { id, url, method, headers, expiresAt } = value;
  if (typeof id !== 'string' || typeof url !== 'string' || url === '' || typeof method !== 'string') throw badResponse();
  if (!isRecord(headers) || !Object.values(headers).every((v) => typeof v === 'string')) throw badResponse();
  return { id, url, method, headers: headers as Record<string, string>, expiresAt: asString(expiresAt) };
}

/** Receipts, newest first by upload time. */
export async function listFiles(page: PageRequest = {}): Promise<Page<StoredFile>> {
  return asPage(await request('GET', pagePath('/api/files', page), { needsSession: true }), 'files', asStoredFile);
}

/**
 * Step one of an upload: where to send the bytes. Fails with `file_too_large`,
 * `unsupported_media_type` or `invalid_request`.
 */
export async function startUpload(upload: NewUpload): Promise<UploadTarget> {
  const data = await request('POST', '/api/uploads', { body: upload, needsSession: true });
  return asUploadTarget(isRecord(data) ? data.upload : undefined);
}

/**
 * Step three: the server checks the bytes that arrived and keeps the file. Fails with
 * `unsupported_media_type` (not really a PDF, PNG or JPEG), `upload_incomplete` or `not_found`.
 */
export async function completeUpload(id: string): Promise<StoredFile> {
  const data = await request('POST', `/api/uploads/${encodeURIComponent(id)}/complete`, { body: {}, needsSession: true });
  return asStoredFile(isRecord(data) ? data.file : undefined);
}

/** Fails with code `not_found` when the file is already gone. */
export async function deleteFile(id: string): Promise<void> {
  await request('DELETE', `/api/files/${encodeURIComponent(id)}`, { needsSession: true });
}

const EXPORT_FILENAME = 'my-data.json';

/** Everything the home region holds about the signed-in person, as one JSON file. */
export async function downloadExport(): Promise<ExportFile> {
  const response = await send('GET', '/api/export', { needsSession: true });
  let blob: Blob;
  try {
    blob = await response.blob();
  } catch {
    throw new ApiError(0, 'network_error', 'The download was interrupted. Check your connection and try again.');
  }
  return { blob, filename: filenameOf(response.headers.get('content-disposition')) ?? EXPORT_FILENAME };
}

/** The plain `filename="..."` of a Content-Disposition header, if it is a safe file name. */
function filenameOf(disposition: string | null): string | undefined {
  const match = /filename="([^"\\/]+)"/i.exec(disposition ?? '');
  return match?.[1];
}

/** Erases the account and everything held about the person; the session ends with it. */
export async function deleteAccount(): Promise<void> {
  await request('DELETE', '/api/me', { needsSession: true });
}

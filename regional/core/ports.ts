// What the silo API needs from the outside world. Adapters implement these over DynamoDB, S3 and
// KMS (or local keys); tests use the same adapters against DynamoDB Local.

export interface Address {
  line1: string;
  line2: string;
  city: string;
  postalCode: string;
  country: string;
}

export interface Profile {
  name: string;
  dateOfBirth: string | null;
  phone: string | null;
  address: Address | null;
}

export interface Account {
  id: string;
  email: string;
  name: string;
  country: string;
  passwordHash: string;
  createdAt: string;
  profile: Omit<Profile, 'name'>;
  /** Set when erasure has begun: the account serves nothing any more but the erasure itself. */
  erasing?: boolean;
}

export type BloodPressure = { systolic: number; diastolic: number };

/** A health measurement (PHI). */
export interface HealthRecord {
  id: string;
  kind: string;
  value: number | BloodPressure;
  unit: string;
  takenAt: string;
  createdAt: string;
}

export type ActivityAction = 'signup' | 'login' | 'profile_update' | 'record_add' | 'record_delete' | 'export';

/** One entry of the user's audit trail. `detail` is never PII (a record kind, not a value). */
export interface Activity {
  id: string;
  action: ActivityAction;
  at: string;
  detail: string | null;
}

export interface Page<T> {
  items: T[];
  /** Opaque; `null` on the last page. */
  next: string | null;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

/** The silo's own store (or the directory) cannot be reached or is overloaded: the region is unavailable. */
export class StoreUnavailableError extends Error {
  readonly code = 'store_unavailable';
}

export class InvalidCursorError extends Error {
  readonly code = 'invalid_cursor';
}

/**
 * The home silo's store. Everything here is PII or PHI and stays in this region. Every change is
 * written together with its activity entry, atomically.
 */
export interface SiloStore {
  /** Creates the account and its e-mail claim atomically; `false` if the e-mail is already here. */
  createAccount(account: Account, emailKey: string, activity: Activity): Promise<boolean>;
  findByEmail(emailKey: string): Promise<Account | undefined>;
  get(id: string): Promise<Account | undefined>;
  /** Replaces name and profile fields; `false` if the account does not exist. */
  updateProfile(id: string, profile: Profile, activity: Activity): Promise<boolean>;
  addRecord(userId: string, record: HealthRecord, activity: Activity): Promise<void>;
  /** `false` if the user has no record with that id. */
  deleteRecord(userId: string, recordId: string, activity: Activity): Promise<boolean>;
  /** Newest first. Throws InvalidCursorError for a cursor this store did not issue. */
  listRecords(userId: string, page: PageRequest): Promise<Page<HealthRecord>>;
  listActivity(userId: string, page: PageRequest): Promise<Page<Activity>>;
  addActivity(userId: string, activity: Activity): Promise<void>;
  /** Records a signed-in session (it expires by itself with the token). */
  startSession(userId: string, session: { sid: string; expiresAt: number }, activity?: Activity): Promise<void>;
  hasSession(userId: string, sid: string): Promise<boolean>;
  endSession(userId: string, sid: string): Promise<void>;
  /** Marks the account as being erased; from then on it serves nothing but the erasure. */
  beginErasure(userId: string): Promise<void>;
  /** Deletes the user's records, activity and sessions (the account and e-mail claim stay, see eraseAccount). */
  eraseData(userId: string): Promise<void>;
  /** Deletes the account and its e-mail claim: the last step of an erasure. */
  eraseAccount(userId: string, emailKey: string): Promise<void>;
}

/** The global directory: blind index -> region. Holds no PII by construction. */
export interface DirectoryStore {
  /** Claims the index for a region; `false` if it is claimed already (in any region). */
  claim(blindIndex: string, region: string): Promise<boolean>;
  /** Undoes a claim this region made (used when the silo write fails). */
  release(blindIndex: string, region: string): Promise<void>;
  lookup(blindIndex: string): Promise<string | undefined>;
}

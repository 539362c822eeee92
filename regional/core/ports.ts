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

export type ActivityAction = 'signup' | 'login' | 'profile_update' | 'record_add' | 'record_delete' | 'file_upload' | 'file_delete' | 'export';

/** One entry of the user's audit trail. `detail` is never PII (a record kind, not a value). */
export interface Activity {
  id: string;
  action: ActivityAction;
  at: string;
  detail: string | null;
}

export type FileType = 'application/pdf' | 'image/png' | 'image/jpeg';

/** A receipt: its bytes are in the home bucket, this is what the silo's table says about them. */
export interface StoredFile {
  id: string;
  /** As the user named it (any Unicode, spaces, `+`, `@`, `%`); never part of an object key. */
  name: string;
  type: FileType;
  size: number;
  uploadedAt: string;
}

/** An upload the silo has signed a URL for, waiting for its bytes and the completion call. */
export interface PendingUpload {
  id: string;
  name: string;
  type: FileType;
  size: number;
  /** Epoch seconds: the item expires by itself (TTL). */
  expiresAt: number;
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
  /** Remembers an upload until it completes or expires. */
  createUpload(userId: string, upload: PendingUpload): Promise<void>;
  getUpload(userId: string, uploadId: string): Promise<PendingUpload | undefined>;
  /**
   * Makes the caller the one completing this upload (`token`), unless another call holds it and
   * is younger than `staleBefore` (epoch seconds); `false` if it is held or gone.
   */
  claimUpload(userId: string, uploadId: string, claim: { token: string; now: number; staleBefore: number }): Promise<boolean>;
  /** Lets go of a claim that did not complete (so the upload can be completed again). */
  releaseUpload(userId: string, uploadId: string, token: string): Promise<void>;
  /** Turns the claimed upload into a file; `false` if it is gone (completed, expired, account erased) or claimed by another. */
  completeUpload(userId: string, file: StoredFile, activity: Activity, token: string): Promise<boolean>;
  /** Records a file whose bytes are already in the bucket (the one-request upload). */
  addFile(userId: string, file: StoredFile, activity: Activity): Promise<void>;
  getFile(userId: string, fileId: string): Promise<StoredFile | undefined>;
  /** Newest first. */
  listFiles(userId: string, page: PageRequest): Promise<Page<StoredFile>>;
  /** `false` if the user has no file with that id. */
  deleteFile(userId: string, fileId: string, activity: Activity): Promise<boolean>;
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

/**
 * The home region's files bucket. Object bytes never pass through the API: the silo signs
 * short-lived URLs for the browser (through the edge) and inspects objects in place.
 */
export interface FileObjects {
  /** A presigned PUT for exactly this type and size; returns the URL's query string only. */
  signUpload(key: string, opts: { type: FileType; size: number; expiresIn: number }): Promise<string>;
  /**
   * A presigned GET of the object. Its name travels as the object's stored Content-Disposition,
   * never in the URL: CloudFront and S3 access logs record query strings, and a name is PII.
   */
  signDownload(key: string, opts: { expiresIn: number }): Promise<string>;
  /** Stores bytes to be saved as `name` when downloaded. */
  put(key: string, bytes: Uint8Array, file: { type: FileType; name: string }): Promise<void>;
  /** Size of the object, or undefined if there is none. */
  size(key: string): Promise<number | undefined>;
  /** The object's first `bytes` bytes (fewer if it is shorter); undefined if there is no object. */
  head(key: string, bytes: number): Promise<Uint8Array | undefined>;
  /** Copies an object, setting the type and the download name it is served with; nothing if `from` is missing. */
  copy(from: string, to: string, file: { type: FileType; name: string }): Promise<void>;
  remove(key: string): Promise<void>;
  /** Deletes every object (and every version of it) under the prefix; returns how many. */
  removeAll(prefix: string): Promise<number>;
}

/** The global directory: blind index -> region. Holds no PII by construction. */
export interface DirectoryStore {
  /** Claims the index for a region; `false` if it is claimed already (in any region). */
  claim(blindIndex: string, region: string): Promise<boolean>;
  /** Undoes a claim this region made (used when the silo write fails). */
  release(blindIndex: string, region: string): Promise<void>;
  lookup(blindIndex: string): Promise<string | undefined>;
}

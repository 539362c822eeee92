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
}

/** The home silo's store of accounts. Everything here is PII and stays in this region. */
export interface SiloStore {
  /** Creates the account and its e-mail claim atomically; `false` if the e-mail is already here. */
  createAccount(account: Account, emailKey: string): Promise<boolean>;
  findByEmail(emailKey: string): Promise<Account | undefined>;
  get(id: string): Promise<Account | undefined>;
  /** Replaces name and profile fields; `false` if the account does not exist. */
  updateProfile(id: string, profile: Profile): Promise<boolean>;
}

/** The global directory: blind index -> region. Holds no PII by construction. */
export interface DirectoryStore {
  /** Claims the index for a region; `false` if it is claimed already (in any region). */
  claim(blindIndex: string, region: string): Promise<boolean>;
  /** Undoes a claim this region made (used when the silo write fails). */
  release(blindIndex: string, region: string): Promise<void>;
  lookup(blindIndex: string): Promise<string | undefined>;
}

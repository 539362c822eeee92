// Table key schemas, shared by the local launcher (which creates them) and infra/ (which
// deploys them), so the two cannot drift.

/** One table per silo: every item is keyed under its owner (`USER#id`) or an e-mail claim. */
export const SILO_TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
/** Items with this attribute (epoch seconds) expire: server-side sessions. */
export const SILO_TTL_ATTRIBUTE = 'expiresAt';
/** The global directory: blind index -> region, nothing else. */
export const DIRECTORY_TABLE_KEYS = { partitionKey: 'bidx' } as const;

export const siloTableName = (region: string) => `residency-silo-${region}`;
export const DIRECTORY_TABLE = 'residency-directory';
export const siloBucketName = (region: string) => `residency-files-${region}`;

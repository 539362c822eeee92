// `.residency/stack.json`: everything an operator or a test needs to inspect each silo directly.

export interface StoreEndpoints {
  dynamodb: { endpoint: string; tables: string[]; dataDir: string };
  s3: { endpoint: string; buckets: string[]; dataDir: string };
}

export interface StackManifest {
  url: string;
  pid: number;
  startedAt: string;
  /** Credentials the local stand-ins accept (s3rver checks SigV4 with this pair). Not a secret. */
  localCredentials: { accessKeyId: string; secretAccessKey: string };
  edge: { bundle: string; sha256: string; config: string };
  global: {
    directory: { endpoint: string; table: string; dataDir: string };
    static: { endpoint: string; bucket: string; dataDir: string };
  };
  regions: Record<
    string,
    StoreEndpoints & { label: string; jurisdiction: string; status: string; api: string; signingKid: string }
  >;
  logs: string;
}

// s3rver ships no types; this is the part of its API that local/s3-server.ts uses.
declare module 's3rver' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  export default class S3rver {
    constructor(options: { directory: string; silent?: boolean; vhostBuckets?: boolean; configureBuckets?: { name: string }[] });
    configureBuckets(): Promise<void>;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    store: {
      existsObject(bucket: string, key: string): Promise<boolean>;
      /** `etag` is the quoted MD5, as S3 sends it. */
      getMetadata(bucket: string, key: string): Promise<{ etag: string }>;
    };
  }
}

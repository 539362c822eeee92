// Two things S3 does that s3rver 3.7 does not, for requests on one object:
// - conditional writes (PutObject with If-Match / If-None-Match: '*'; 412 PreconditionFailed when
//   the condition fails), which the AWS apply target relies on to detect a concurrent edit;
// - consistency under concurrency: s3rver's file store crashes its process (ENOENT) when an object
//   is read or copied while it is being replaced or deleted, which a user could trigger by
//   re-uploading while the silo checks an upload. Requests on the same key run one at a time.

export interface ObjectEtags {
  /** The object's current ETag (quoted, as S3 sends it), or undefined if there is none. */
  etagOf(bucket: string, key: string): Promise<string | undefined>;
}

export interface ObjectRequest {
  method: string;
  bucket: string;
  /** Empty for a bucket-level request. */
  key: string;
  /** `bucket/key` of a CopyObject source. */
  copySource?: string;
  ifMatch?: string;
  ifNoneMatch?: string;
}

export type Precondition = { ok: true } | { ok: false; status: 412 | 501; code: string; message: string };

export function objectGate(store: ObjectEtags) {
  const tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier request on any of `keys` has finished. */
  function exclusive<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    const before = Promise.all(keys.map((k) => tails.get(k)));
    const turn = before.then(fn);
    const settled = turn.catch(() => undefined);
    for (const k of keys) tails.set(k, settled);
    void settled.then(() => keys.forEach((k) => tails.get(k) === settled && tails.delete(k)));
    return turn;
  }

  /** Runs `serve` (which must finish the response) in turn, once any write condition holds. */
  return function gate(req: ObjectRequest, serve: () => Promise<void>): Promise<Precondition> {
    const conditional = req.method === 'PUT' && (req.ifMatch !== undefined || req.ifNoneMatch !== undefined);
    if (conditional && req.ifNoneMatch !== undefined && req.ifNoneMatch !== '*') {
      return Promise.resolve({ ok: false, status: 501, code: 'NotImplemented', message: "If-None-Match on a write takes only '*'" });
    }
    if (!req.key) return serve().then(() => ({ ok: true }));
    const keys = [`${req.bucket}/${req.key}`, ...(req.copySource ? [req.copySource] : [])];
    return exclusive(keys, async (): Promise<Precondition> => {
      if (conditional) {
        const current = await store.etagOf(req.bucket, req.key);
        if ((req.ifNoneMatch === '*' && current !== undefined) || (req.ifMatch !== undefined && current !== req.ifMatch)) {
          return { ok: false, status: 412, code: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold' };
        }
      }
      await serve();
      return { ok: true };
    });
  };
}

// Two things S3 does that s3rver 3.7 does not, for requests on one object:
// - conditional writes (PutObject with If-Match / If-None-Match: '*'; 412 PreconditionFailed when
//   the condition fails), which the AWS apply target relies on to detect a concurrent edit;
// - consistency under concurrency: s3rver's file store crashes its process (ENOENT) when an object
//   is read or copied while it is replaced or deleted, or written into a folder that a delete of
//   its last neighbour is removing; a user could trigger either by re-uploading while the silo
//   checks an upload. So writes to one bucket (PUT, POST such as DeleteObjects, DELETE) run one at
//   a time, and reads wait for writes to their key. Local throughput is not the point here.

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
    const writes = req.method !== 'GET' && req.method !== 'HEAD';
    const keys = [
      ...(writes ? [`${req.bucket}/`] : []),
      ...(req.key ? [`${req.bucket}/${req.key}`] : []),
      ...(req.copySource ? [req.copySource] : []),
    ];
    if (keys.length === 0) return serve().then(() => ({ ok: true }));
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

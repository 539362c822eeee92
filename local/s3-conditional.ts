// S3 conditional writes (PutObject with If-Match / If-None-Match: '*'), which s3rver 3.7 ignores.
// The AWS apply target relies on them to detect a concurrent edit, so locally they must hold as
// they do on AWS: 412 PreconditionFailed when the condition fails. Writes to one key are
// serialised here, so check-then-write cannot interleave.

export interface ObjectEtags {
  /** The object's current ETag (quoted, as S3 sends it), or undefined if there is none. */
  etagOf(bucket: string, key: string): Promise<string | undefined>;
}

export type Precondition = { ok: true } | { ok: false; status: 412 | 501; code: string; message: string };

export function conditionalWrites(store: ObjectEtags) {
  const queues = new Map<string, Promise<unknown>>();

  /** Runs `write` (which must finish the request) once the precondition holds; answers the failure otherwise. */
  return async function guard(
    req: { method: string; bucket: string; key: string; ifMatch?: string; ifNoneMatch?: string },
    write: () => Promise<void>,
  ): Promise<Precondition> {
    if (req.method !== 'PUT' || (req.ifMatch === undefined && req.ifNoneMatch === undefined)) {
      await write();
      return { ok: true };
    }
    if (req.ifNoneMatch !== undefined && req.ifNoneMatch !== '*') {
      return { ok: false, status: 501, code: 'NotImplemented', message: "If-None-Match on a write takes only '*'" };
    }
    const id = `${req.bucket}/${req.key}`;
    const previous = queues.get(id) ?? Promise.resolve();
    let verdict: Precondition = { ok: true };
    const turn = previous.then(async () => {
      const current = await store.etagOf(req.bucket, req.key);
      const fails = (req.ifNoneMatch === '*' && current !== undefined) || (req.ifMatch !== undefined && current !== req.ifMatch);
      if (fails) verdict = { ok: false, status: 412, code: 'PreconditionFailed', message: 'At least one of the pre-conditions you specified did not hold' };
      else await write();
    });
    queues.set(id, turn.catch(() => undefined));
    await turn;
    if (queues.get(id) === turn) queues.delete(id);
    return verdict;
  };
}

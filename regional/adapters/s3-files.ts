// FileObjects over the region's own files bucket. URLs are signed with the API's own credentials
// (its role on AWS), for its own bucket only; the edge passes them through to the bucket.
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  NotFound,
  NoSuchKey,
  PutObjectCommand,
  S3ServiceException,
  type ObjectIdentifier,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { create as contentDisposition } from 'content-disposition';
import { guarded } from './unavailable.ts';
import type { FileObjects } from '../core/ports.ts';

/**
 * `versioned`: the bucket keeps old versions (it does on AWS), so removing an object for good
 * means deleting each version, or erasure would leave noncurrent copies behind.
 */
export function s3FileObjects(client: S3Client, bucket: string, opts: { versioned: boolean }): FileObjects {
  const send = guarded(client);
  const queryOf = (url: string) => new URL(url).search.slice(1);

  /** Sends a command whose source may be gone; a missing source is not an error. */
  async function sendUnlessMissing(command: CopyObjectCommand) {
    try {
      await send(command);
    } catch (err) {
      if (!(err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404))) throw err;
    }
  }

  async function deleteBatch(objects: ObjectIdentifier[]) {
    if (!objects.length) return;
    const res = await send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
    if (res.Errors?.length) throw new Error(`${res.Errors.length} objects could not be deleted (${res.Errors[0]!.Code})`);
  }

  /** Deletes every version and delete marker under `prefix` whose key passes `keep`. */
  async function removeVersions(prefix: string, keep: (key: string) => boolean): Promise<number> {
    let removed = 0;
    let keyMarker: string | undefined;
    let versionMarker: string | undefined;
    do {
      const res = await send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
      const batch = [...(res.Versions ?? []), ...(res.DeleteMarkers ?? [])]
        .filter((v) => keep(v.Key!))
        .map((v) => ({ Key: v.Key!, VersionId: v.VersionId }));
      await deleteBatch(batch);
      removed += batch.length;
      keyMarker = res.IsTruncated ? res.NextKeyMarker : undefined;
      versionMarker = res.IsTruncated ? res.NextVersionIdMarker : undefined;
    } while (keyMarker);
    return removed;
  }

  return {
    async signUpload(key, { type, size, expiresIn }) {
      // Type and length are signed: the bucket refuses a body of any other size or declared type.
      const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: type, ContentLength: size }), {
        expiresIn,
        signableHeaders: new Set(['content-type', 'content-length']),
      });
      return queryOf(url);
    },
    async signDownload(key, { expiresIn }) {
      return queryOf(await getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: key }), { expiresIn }));
    },
    async put(key, bytes, { type, name }) {
      await send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentType: type, ContentDisposition: contentDisposition(name) }));
    },
    async size(key) {
      try {
        const head = await send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return head.ContentLength ?? 0;
      } catch (err) {
        if (err instanceof NotFound || err instanceof NoSuchKey) return undefined;
        throw err;
      }
    },
    async head(key, bytes) {
      try {
        const res = await send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=0-${bytes - 1}` }));
        return (await res.Body!.transformToByteArray()).subarray(0, bytes);
      } catch (err) {
        if (err instanceof NoSuchKey) return undefined;
        throw err;
      }
    },
    async copy(from, to, { type, name }) {
      await sendUnlessMissing(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: to,
          CopySource: `${bucket}/${from}`,
          ContentType: type,
          ContentDisposition: contentDisposition(name),
          MetadataDirective: 'REPLACE',
        }),
      );
    },
    async remove(key) {
      if (opts.versioned) await removeVersions(key, (k) => k === key);
      else await send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
    async removeAll(prefix) {
      if (opts.versioned) return removeVersions(prefix, () => true);
      let removed = 0;
      let token: string | undefined;
      do {
        const res = await send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        const batch = (res.Contents ?? []).map((o) => ({ Key: o.Key! }));
        await deleteBatch(batch);
        removed += batch.length;
        token = res.IsTruncated ? res.NextContinuationToken : undefined;
      } while (token);
      return removed;
    },
  };
}

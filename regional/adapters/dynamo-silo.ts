// SiloStore over the region's own DynamoDB table. Layout (one partition per user):
//   USER#<id> / ACCOUNT        the account: e-mail, name, country, password hash, profile
//   USER#<id> / REC#<id>       a health record; ids start with the time taken, so a reverse
//                              query lists newest first
//   USER#<id> / ACT#<id>       an activity entry; ids start with the time it happened
//   USER#<id> / SESSION#<sid>  a signed-in session, expiring with its token (TTL)
//   USER#<id> / FILE#<id>      a receipt's name, type and size (its bytes are in the bucket)
//   USER#<id> / UPLOAD#<id>    an upload signed but not completed yet, expiring by itself (TTL)
//   EMAIL#<normalised> / EMAIL the e-mail claim that makes login a single lookup
import { ConditionalCheckFailedException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { SILO_TTL_ATTRIBUTE } from './tables.ts';
import { guarded } from './unavailable.ts';
import {
  InvalidCursorError,
  type Account,
  type Activity,
  type HealthRecord,
  type Page,
  type PageRequest,
  type PendingUpload,
  type SiloStore,
  type StoredFile,
} from '../core/ports.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const userPk = (id: string) => `USER#${id}`;
const userKey = (id: string) => ({ pk: userPk(id), sk: 'ACCOUNT' });
const emailClaimKey = (emailKey: string) => ({ pk: `EMAIL#${emailKey}`, sk: 'EMAIL' });
const RECORD = 'REC#';
const SESSION = 'SESSION#';
const ACTIVITY = 'ACT#';
const FILE = 'FILE#';
const UPLOAD = 'UPLOAD#';
const CURSOR_SK = /^(REC|ACT|FILE)#[A-Za-z0-9_-]{1,64}$/;

export function dynamoSiloStore(client: DynamoDBClient, table: string): SiloStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const send = guarded(doc);
  const activityPut = (userId: string, a: Activity): TransactItem => ({
    Put: { TableName: table, Item: { pk: userPk(userId), sk: `${ACTIVITY}${a.id}`, ...a } },
  });
  // Every write under a user checks, in the same transaction, that the account exists and is not
  // being erased: a write racing an erasure either lands before the erasure lists the user's
  // items, or is refused (the erasure's flag write conflicts with this check).
  const accountLive = (userId: string): TransactItem => ({
    ConditionCheck: { TableName: table, Key: userKey(userId), ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(erasing)' },
  });
  /** A new item of the user's partition (never overwriting one), and the removal of an existing one. */
  const created = (userId: string, sk: string, item: object): TransactItem => ({
    Put: { TableName: table, Item: { pk: userPk(userId), sk, ...item }, ConditionExpression: 'attribute_not_exists(pk)' },
  });
  const removed = (userId: string, sk: string): TransactItem => ({
    Delete: { TableName: table, Key: { pk: userPk(userId), sk }, ConditionExpression: 'attribute_exists(pk)' },
  });
  const transact = async (items: TransactItem[]): Promise<boolean> => {
    try {
      await send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (err) {
      // Only a failed condition means "not written because of the data"; any other cancellation
      // (validation, throttling, conflict) is an error the caller must see.
      if (err instanceof TransactionCanceledException && err.CancellationReasons?.some((r) => r.Code === 'ConditionalCheckFailed')) {
        return false;
      }
      throw err;
    }
  };
  /** Adds an item under a live account, with its activity entry. */
  const addUnder = async (userId: string, sk: string, item: object, activity: Activity, what: string) => {
    if (!(await transact([accountLive(userId), created(userId, sk, item), activityPut(userId, activity)]))) {
      throw new Error(`${what} not written: account missing or id taken`);
    }
  };
  /** Deletes an item under a live account, with its activity entry; `false` if there is none. */
  const deleteUnder = (userId: string, sk: string, activity: Activity) => transact([accountLive(userId), removed(userId, sk), activityPut(userId, activity)]);
  const get = async (id: string) => {
    const { Item } = await send(new GetCommand({ TableName: table, Key: userKey(id), ConsistentRead: true }));
    return Item ? (strip(Item) as unknown as Account) : undefined;
  };

  async function page<T>(userId: string, prefix: string, req: PageRequest): Promise<Page<T>> {
    let start: Record<string, string> | undefined;
    if (req.cursor !== undefined) {
      const sk = decodeCursor(req.cursor);
      if (!sk.startsWith(prefix)) throw new InvalidCursorError('that cursor belongs to another listing');
      start = { pk: userPk(userId), sk };
    }
    const res = await send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': userPk(userId), ':prefix': prefix },
        ScanIndexForward: false,
        Limit: req.limit,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    const last = res.LastEvaluatedKey?.sk as string | undefined;
    return { items: (res.Items ?? []).map((i) => strip(i) as T), next: last ? encodeCursor(last) : null };
  }

  /** Every sort key of the user's partition but the account itself. */
  async function dataKeys(userId: string): Promise<string[]> {
    const keys: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': userPk(userId) },
          ProjectionExpression: 'sk',
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const i of res.Items ?? []) if (i.sk !== 'ACCOUNT') keys.push(i.sk as string);
      start = res.LastEvaluatedKey;
    } while (start);
    return keys;
  }

  return {
    async createAccount(account, emailKey, activity) {
      return transact([
        { Put: { TableName: table, Item: { ...emailClaimKey(emailKey), userId: account.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: table, Item: { ...userKey(account.id), ...account }, ConditionExpression: 'attribute_not_exists(pk)' } },
        activityPut(account.id, activity),
      ]);
    },
    async findByEmail(emailKey) {
      const { Item } = await send(new GetCommand({ TableName: table, Key: emailClaimKey(emailKey), ConsistentRead: true }));
      return typeof Item?.userId === 'string' ? get(Item.userId) : undefined;
    },
    get,
    async updateProfile(id, profile, activity) {
      const { name, ...rest } = profile;
      return transact([
        {
          Update: {
            TableName: table,
            Key: userKey(id),
            UpdateExpression: 'SET #name = :name, profile = :profile',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(erasing)',
            ExpressionAttributeNames: { '#name': 'name' },
            ExpressionAttributeValues: { ':name': name, ':profile': rest },
          },
        },
        activityPut(id, activity),
      ]);
    },
    addRecord: (userId, record, activity) => addUnder(userId, `${RECORD}${record.id}`, record, activity, 'record'),
    deleteRecord: (userId, recordId, activity) => deleteUnder(userId, `${RECORD}${recordId}`, activity),
    listRecords: (userId, req) => page<HealthRecord>(userId, RECORD, req),
    async createUpload(userId, upload) {
      const ok = await transact([
        accountLive(userId),
        { Put: { TableName: table, Item: { pk: userPk(userId), sk: `${UPLOAD}${upload.id}`, ...upload, [SILO_TTL_ATTRIBUTE]: upload.expiresAt } } },
      ]);
      if (!ok) throw new Error('upload not recorded: account missing');
    },
    async getUpload(userId, uploadId) {
      const { Item } = await send(new GetCommand({ TableName: table, Key: { pk: userPk(userId), sk: `${UPLOAD}${uploadId}` }, ConsistentRead: true }));
      if (!Item || Number(Item[SILO_TTL_ATTRIBUTE]) <= Date.now() / 1000) return undefined;
      const { [SILO_TTL_ATTRIBUTE]: _ttl, claimedBy: _by, claimedAt: _at, ...upload } = strip(Item);
      return upload as unknown as PendingUpload;
    },
    async claimUpload(userId, uploadId, { token, now, staleBefore }) {
      try {
        await send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: userPk(userId), sk: `${UPLOAD}${uploadId}` },
            UpdateExpression: 'SET claimedBy = :token, claimedAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(claimedBy) OR claimedAt < :stale)',
            ExpressionAttributeValues: { ':token': token, ':now': now, ':stale': staleBefore },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async releaseUpload(userId, uploadId, token) {
      try {
        await send(
          new UpdateCommand({
            TableName: table,
            Key: { pk: userPk(userId), sk: `${UPLOAD}${uploadId}` },
            UpdateExpression: 'REMOVE claimedBy, claimedAt',
            ConditionExpression: 'claimedBy = :token',
            ExpressionAttributeValues: { ':token': token },
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },
    async completeUpload(userId, file, activity, token) {
      return transact([
        accountLive(userId),
        {
          Delete: {
            TableName: table,
            Key: { pk: userPk(userId), sk: `${UPLOAD}${file.id}` },
            ConditionExpression: 'attribute_exists(pk) AND claimedBy = :token',
            ExpressionAttributeValues: { ':token': token },
          },
        },
        created(userId, `${FILE}${file.id}`, file),
        activityPut(userId, activity),
      ]);
    },
    addFile: (userId, file, activity) => addUnder(userId, `${FILE}${file.id}`, file, activity, 'file'),
    async getFile(userId, fileId) {
      const { Item } = await send(new GetCommand({ TableName: table, Key: { pk: userPk(userId), sk: `${FILE}${fileId}` }, ConsistentRead: true }));
      return Item ? (strip(Item) as unknown as StoredFile) : undefined;
    },
    listFiles: (userId, req) => page<StoredFile>(userId, FILE, req),
    deleteFile: (userId, fileId, activity) => deleteUnder(userId, `${FILE}${fileId}`, activity),
    listActivity: (userId, req) => page<Activity>(userId, ACTIVITY, req),
    async addActivity(userId, activity) {
      await transact([accountLive(userId), activityPut(userId, activity)]);
    },
    async startSession(userId, session, activity) {
      const ok = await transact([
        accountLive(userId),
        { Put: { TableName: table, Item: { pk: userPk(userId), sk: `${SESSION}${session.sid}`, [SILO_TTL_ATTRIBUTE]: session.expiresAt } } },
        ...(activity ? [activityPut(userId, activity)] : []),
      ]);
      if (!ok) throw new Error('session not recorded: account missing');
    },
    async hasSession(userId, sid) {
      const { Item } = await send(new GetCommand({ TableName: table, Key: { pk: userPk(userId), sk: `${SESSION}${sid}` }, ConsistentRead: true }));
      // DynamoDB deletes expired items lazily; an expired one is not a session any more.
      return !!Item && Number(Item[SILO_TTL_ATTRIBUTE]) > Date.now() / 1000;
    },
    async endSession(userId, sid) {
      await send(new DeleteCommand({ TableName: table, Key: { pk: userPk(userId), sk: `${SESSION}${sid}` } }));
    },
    async beginErasure(userId) {
      try {
        await send(
          new UpdateCommand({ TableName: table, Key: userKey(userId), UpdateExpression: 'SET erasing = :t', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':t': true } }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },
    async eraseData(userId) {
      const keys = await dataKeys(userId);
      for (let i = 0; i < keys.length; i += 25) {
        let requests = keys.slice(i, i + 25).map((sk) => ({ DeleteRequest: { Key: { pk: userPk(userId), sk } } }));
        // BatchWrite may leave some items unprocessed under throttling: resend those, boundedly.
        for (let attempt = 0; requests.length && attempt < 5; attempt++) {
          const res = await send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = (res.UnprocessedItems?.[table] ?? []) as typeof requests;
          if (requests.length) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        }
        if (requests.length) throw new Error(`${requests.length} items were left unprocessed`);
      }
    },
    async eraseAccount(userId, emailKey) {
      await send(
        new TransactWriteCommand({
          TransactItems: [{ Delete: { TableName: table, Key: emailClaimKey(emailKey) } }, { Delete: { TableName: table, Key: userKey(userId) } }],
        }),
      );
    },
  };
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...rest } = item;
  return rest;
}

// Cursors are the last sort key, base64url-encoded: opaque to clients, and harmless when forged,
// because every query is pinned to the caller's own partition.
const encodeCursor = (sk: string) => Buffer.from(sk, 'utf8').toString('base64url');

function decodeCursor(cursor: string): string {
  const sk = /^[A-Za-z0-9_-]{1,128}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!CURSOR_SK.test(sk)) throw new InvalidCursorError('that cursor was not issued by this API');
  return sk;
}

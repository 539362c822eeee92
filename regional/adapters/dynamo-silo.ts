// SiloStore over the region's own DynamoDB table.
import { ConditionalCheckFailedException, TransactionCanceledException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Account, Profile, SiloStore } from '../core/ports.ts';

const userKey = (id: string) => ({ pk: `USER#${id}`, sk: 'ACCOUNT' });
const emailClaimKey = (emailKey: string) => ({ pk: `EMAIL#${emailKey}`, sk: 'EMAIL' });

export function dynamoSiloStore(client: DynamoDBClient, table: string): SiloStore {
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const get = async (id: string) => {
    const { Item } = await doc.send(new GetCommand({ TableName: table, Key: userKey(id), ConsistentRead: true }));
    return Item ? toAccount(Item) : undefined;
  };
  return {
    async createAccount(account, emailKey) {
      try {
        await doc.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { ...emailClaimKey(emailKey), userId: account.id },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: { TableName: table, Item: { ...userKey(account.id), ...account }, ConditionExpression: 'attribute_not_exists(pk)' },
              },
            ],
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof TransactionCanceledException) return false;
        throw err;
      }
    },
    async findByEmail(emailKey) {
      const { Item } = await doc.send(new GetCommand({ TableName: table, Key: emailClaimKey(emailKey), ConsistentRead: true }));
      return typeof Item?.userId === 'string' ? get(Item.userId) : undefined;
    },
    get,
    async updateProfile(id, profile: Profile) {
      const { name, ...rest } = profile;
      try {
        await doc.send(
          new UpdateCommand({
            TableName: table,
            Key: userKey(id),
            UpdateExpression: 'SET #name = :name, profile = :profile',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#name': 'name' },
            ExpressionAttributeValues: { ':name': name, ':profile': rest },
          }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
  };
}

function toAccount(item: Record<string, unknown>): Account {
  const { pk: _pk, sk: _sk, ...account } = item;
  return account as unknown as Account;
}

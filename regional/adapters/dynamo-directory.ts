// DirectoryStore over the global directory table (on AWS: this region's replica of a global table).
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DirectoryStore } from '../core/ports.ts';
import { guarded } from './unavailable.ts';

export function dynamoDirectoryStore(client: DynamoDBClient, table: string): DirectoryStore {
  const send = guarded(DynamoDBDocumentClient.from(client));
  return {
    async claim(bidx, region) {
      try {
        await send(
          new PutCommand({ TableName: table, Item: { bidx, region }, ConditionExpression: 'attribute_not_exists(bidx)' }),
        );
        return true;
      } catch (err) {
        if (err instanceof ConditionalCheckFailedException) return false;
        throw err;
      }
    },
    async release(bidx, region) {
      try {
        await send(
          new DeleteCommand({
            TableName: table,
            Key: { bidx },
            ConditionExpression: '#region = :region',
            ExpressionAttributeNames: { '#region': 'region' },
            ExpressionAttributeValues: { ':region': region },
          }),
        );
      } catch (err) {
        // Someone else's claim is not ours to release.
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    },
    async lookup(bidx) {
      const { Item } = await send(new GetCommand({ TableName: table, Key: { bidx }, ConsistentRead: true }));
      return typeof Item?.region === 'string' ? Item.region : undefined;
    },
  };
}

// Users per region, from the global directory: it holds a blind index and a region per user,
// so this reads counts and nothing about anyone.
import { ScanCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';

export async function usersByRegion(client: DynamoDBClient, table: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let start: Record<string, any> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({ TableName: table, ProjectionExpression: '#r', ExpressionAttributeNames: { '#r': 'region' }, ExclusiveStartKey: start }),
    );
    for (const item of page.Items ?? []) {
      const region = item.region?.S;
      if (region) counts[region] = (counts[region] ?? 0) + 1;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}

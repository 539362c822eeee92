// AWS SDK v3 clients pointed at the local stand-ins, with the settings those stand-ins need.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';

// The AWS SDK warns on every Node 20 process that its releases after January 2027 need Node 22.
// This project pins its SDK versions; the notice would bury the local stack's own output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

/** The pair the local stand-ins accept. Frozen: the SDK annotates credential objects it is given. */
export const LOCAL_CREDENTIALS = Object.freeze({ accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' });

export function localDynamo(endpoint: string, region: string): DynamoDBClient {
  return new DynamoDBClient({ endpoint, region, credentials: { ...LOCAL_CREDENTIALS } });
}

export function localS3(endpoint: string, region: string): S3Client {
  return new S3Client({
    endpoint,
    region,
    credentials: { ...LOCAL_CREDENTIALS },
    forcePathStyle: true,
    // s3rver stores aws-chunked framing as object bytes unless checksums are only sent when required.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

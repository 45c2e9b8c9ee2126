import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { Backends } from './backends/types.js';

/** SDK clients pointed at a set of backends. */
export interface BackendClients {
  dynamodb: DynamoDBClient;
  /** DynamoDB Streams: served on the DynamoDB endpoint (embedded proxy, moto, AWS). */
  dynamodbStreams: DynamoDBStreamsClient;
  sqs: SQSClient;
  s3: S3Client;
  ses: SESv2Client;
  secretsManager: SecretsManagerClient;
  destroy(): void;
}

/**
 * One SDK v3 client per backend, with the backends' region and dummy credentials.
 *
 * @example
 * const { sqs } = backendClients(backends);
 */
export const backendClients = (backends: Backends): BackendClients => {
  const base = {
    region: backends.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  };
  const { endpoints } = backends;
  const clients = {
    dynamodb: new DynamoDBClient({ ...base, endpoint: endpoints.dynamodb }),
    dynamodbStreams: new DynamoDBStreamsClient({ ...base, endpoint: endpoints.dynamodb }),
    sqs: new SQSClient({ ...base, endpoint: endpoints.sqs }),
    s3: new S3Client({ ...base, endpoint: endpoints.s3, forcePathStyle: true }),
    ses: new SESv2Client({ ...base, endpoint: endpoints.ses }),
    secretsManager: new SecretsManagerClient({ ...base, endpoint: endpoints.secretsManager }),
  };
  return {
    ...clients,
    destroy() {
      for (const client of Object.values(clients)) client.destroy();
    },
  };
};

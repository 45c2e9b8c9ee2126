import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureBucket } from '@shop/local-cloud';
import { uniqueName, useBackends } from '@shop/local-cloud/testing';
import { createTableFromTemplate } from '@shop/testing/tables';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBMediaCatalog } from '../../src/adapters/DynamoDBMediaCatalog.js';
import { S3ObjectInspector } from '../../src/adapters/S3ObjectInspector.js';
import { MAX_OUTCOME_BYTES, S3OutcomeReader } from '../../src/adapters/S3OutcomeReader.js';
import { MalformedEventError } from '../../src/domain/errors.js';
import { mediaCatalogContract } from '../support/mediaCatalogContract.js';
import { s3PortsContract } from '../support/s3PortsContract.js';

// The adapters on the local backends (or AWS_ENDPOINT_URL), against the same contracts as the
// fakes (tests/unit/fakes.test.ts): DynamoDBMediaCatalog on MediaTable as template.yaml defines
// it (keys, byProduct index: real conditional writes and GSI queries), the S3 readers on a
// real bucket (404s, quoted ETags, metadata).

const { clients } = useBackends();
const bucket = uniqueName('uploads');
let catalog: DynamoDBMediaCatalog;

beforeAll(async () => {
  const [{ tableName }] = await Promise.all([
    createTableFromTemplate(clients, 'MediaTable'),
    ensureBucket(clients, bucket),
  ]);
  catalog = new DynamoDBMediaCatalog(DynamoDBDocumentClient.from(clients.dynamodb), tableName);
});

mediaCatalogContract('DynamoDBMediaCatalog', () => catalog);

s3PortsContract('S3ObjectInspector and S3OutcomeReader', () => ({
  inspector: new S3ObjectInspector(clients.s3),
  outcomes: new S3OutcomeReader(clients.s3),
  bucket,
  put: async (key, body, options = {}) => {
    const { ETag } = await clients.s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: body,
        ...(options.contentType === undefined ? {} : { ContentType: options.contentType }),
        ...(options.metadata === undefined ? {} : { Metadata: options.metadata }),
      }),
    );
    return ETag ?? '';
  },
  remove: async (key) => {
    await clients.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  },
}));

describe('S3OutcomeReader', () => {
  it('refuses an object over the outcome size limit without buffering it', async () => {
    // Prepare
    const key = `${uniqueName('p')}/big.jpg/outcome.json`;
    await clients.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x'.repeat(MAX_OUTCOME_BYTES + 1) }),
    );

    // Act
    const read = new S3OutcomeReader(clients.s3).read(bucket, key);

    // Assess
    await expect(read).rejects.toBeInstanceOf(MalformedEventError);
    await expect(read).rejects.toThrow(`outcome object is ${MAX_OUTCOME_BYTES + 1} bytes`);
  });
});

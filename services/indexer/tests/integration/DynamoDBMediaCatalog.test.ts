import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { useBackends } from '@shop/local-cloud/testing';
import { createTableFromTemplate } from '@shop/testing/tables';
import { beforeAll } from 'vitest';
import { DynamoDBMediaCatalog } from '../../src/adapters/DynamoDBMediaCatalog.js';
import { mediaCatalogContract } from '../support/mediaCatalogContract.js';

// DynamoDBMediaCatalog on MediaTable as template.yaml defines it (keys, byProduct index), on
// the local backends or AWS_ENDPOINT_URL: real conditional writes and GSI queries.

const { clients } = useBackends();
let catalog: DynamoDBMediaCatalog;

beforeAll(async () => {
  const { tableName } = await createTableFromTemplate(clients, 'MediaTable');
  catalog = new DynamoDBMediaCatalog(DynamoDBDocumentClient.from(clients.dynamodb), tableName);
});

mediaCatalogContract('DynamoDBMediaCatalog', () => catalog);

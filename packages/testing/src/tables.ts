import type {
  AttributeDefinition,
  CreateTableCommandInput,
  GlobalSecondaryIndex,
  KeySchemaElement,
  LocalSecondaryIndex,
  StreamSpecification,
} from '@aws-sdk/client-dynamodb';
import { type BackendClients, ensureTable } from '@shop/local-cloud';
import { uniqueName } from '@shop/local-cloud/testing';
import { dig, resourceProperties } from './template.js';

/** A table made from its template definition. */
export interface TemplateTable {
  tableName: string;
  /** The stream's ARN when the template gives the table a stream. */
  streamArn?: string;
}

/**
 * The CreateTable input of `logicalId` (an `AWS::DynamoDB::Table` in template.yaml): keys,
 * attributes, indexes and stream as the template defines them, on-demand, under `tableName`.
 */
export const tableInputFromTemplate = (
  logicalId: string,
  tableName: string,
): CreateTableCommandInput => {
  const properties = resourceProperties(logicalId);
  const stream = properties.StreamSpecification as
    | Omit<StreamSpecification, 'StreamEnabled'>
    | undefined;
  const gsis = properties.GlobalSecondaryIndexes as GlobalSecondaryIndex[] | undefined;
  const lsis = properties.LocalSecondaryIndexes as LocalSecondaryIndex[] | undefined;
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: properties.AttributeDefinitions as AttributeDefinition[],
    KeySchema: properties.KeySchema as KeySchemaElement[],
    ...(gsis ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(lsis ? { LocalSecondaryIndexes: lsis } : {}),
    ...(stream ? { StreamSpecification: { ...stream, StreamEnabled: true } } : {}),
  };
};

/**
 * Create `logicalId` as template.yaml defines it (keys, indexes, stream, TTL attribute) under a
 * unique name, on whichever backend `clients` point at, so tests cannot drift from the table
 * the functions get in AWS.
 *
 * @example
 * const { tableName, streamArn } = await createTableFromTemplate(clients, 'OrdersTable');
 */
export const createTableFromTemplate = async (
  clients: Pick<BackendClients, 'dynamodb'>,
  logicalId: string,
  tableName = uniqueName(logicalId.toLowerCase()),
): Promise<TemplateTable> => {
  const ttl = dig(resourceProperties(logicalId), 'TimeToLiveSpecification', 'AttributeName');
  const description = await ensureTable(
    clients,
    tableInputFromTemplate(logicalId, tableName),
    typeof ttl === 'string' ? ttl : undefined,
  );
  return {
    tableName,
    ...(description?.LatestStreamArn ? { streamArn: description.LatestStreamArn } : {}),
  };
};

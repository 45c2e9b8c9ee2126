import type {
  AttributeDefinition,
  KeySchemaElement,
  LocalSecondaryIndex,
  StreamSpecification,
} from '@aws-sdk/client-dynamodb';
import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { BackendClients } from '@shop/local-cloud';
import { ensureQueue, ensureTable } from '@shop/local-cloud';
import { uniqueName } from '@shop/local-cloud/testing';
import { readTemplate } from './template.js';

/**
 * OrdersTable as template.yaml defines it (keys, attributes, local index, stream), under a
 * unique name. Returns its name and stream ARN.
 */
export const createOrdersTable = async (
  clients: BackendClients,
): Promise<{ tableName: string; streamArn: string }> => {
  const table = readTemplate().Resources.OrdersTable;
  if (table === undefined) throw new Error('template.yaml has no OrdersTable');
  const { Properties } = table;
  const tableName = uniqueName('orders');
  const description = await ensureTable(clients, {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: Properties.AttributeDefinitions as AttributeDefinition[],
    KeySchema: Properties.KeySchema as KeySchemaElement[],
    LocalSecondaryIndexes: Properties.LocalSecondaryIndexes as LocalSecondaryIndex[],
    StreamSpecification: {
      ...(Properties.StreamSpecification as Omit<StreamSpecification, 'StreamEnabled'>),
      StreamEnabled: true,
    },
  });
  const streamArn = description?.LatestStreamArn;
  if (streamArn === undefined) throw new Error(`table ${tableName} has no stream`);
  return { tableName, streamArn };
};

/** OrdersIdempotencyTable (Powertools' key schema), under a unique name. */
export const createIdempotencyTable = async (clients: BackendClients): Promise<string> => {
  const tableName = uniqueName('orders-idempotency');
  await ensureTable(
    clients,
    {
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
    },
    'expiration',
  );
  return tableName;
};

/** OrderEventsQueue.fifo with its FIFO DLQ and redrive, as the template configures them. */
export const createOrderEventsQueue = async (clients: BackendClients) => {
  const fifo = { FifoQueue: 'true', ContentBasedDeduplication: 'false' };
  const dlq = await ensureQueue(clients, `${uniqueName('order-events-dlq')}.fifo`, {
    attributes: fifo,
  });
  return ensureQueue(clients, `${uniqueName('order-events')}.fifo`, {
    visibilityTimeoutSeconds: 180,
    deadLetter: { queueArn: dlq.arn, maxReceiveCount: 5 },
    attributes: fifo,
  });
};

export const documentClient = (clients: BackendClients) =>
  DynamoDBDocumentClient.from(clients.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });

/**
 * Every message currently on the queue, received and deleted (a FIFO queue hands out the next
 * message of a group only once the one before it is deleted), in the order received.
 */
export const drainQueue = async (sqs: SQSClient, queueUrl: string): Promise<Message[]> => {
  const messages: Message[] = [];
  for (let emptyPolls = 0; emptyPolls < 2; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0, // everything was sent before we look: short polls suffice
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    if (Messages.length === 0) emptyPolls += 1;
    for (const message of Messages) {
      messages.push(message);
      await sqs.send(
        new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
  return messages;
};

/** Order items of one customer, straight from the table. */
export const ordersInTable = async (
  clients: BackendClients,
  tableName: string,
  customerId: string,
) => {
  const { Items = [] } = await documentClient(clients).send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
      ConsistentRead: true,
    }),
  );
  return Items;
};

/** Every item in the table (small test tables only). */
export const scanTable = async (clients: BackendClients, tableName: string) => {
  const { Items = [] } = await documentClient(clients).send(
    new ScanCommand({ TableName: tableName, ConsistentRead: true }),
  );
  return Items;
};

import type {
  AttributeDefinition,
  GlobalSecondaryIndex,
  KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { type Message, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { BackendClients } from '@shop/local-cloud';
import { ensureQueue, ensureTable } from '@shop/local-cloud';
import { uniqueName } from '@shop/local-cloud/testing';
import { readTemplate } from './template.js';

/** OrdersTable as template.yaml defines it (keys, attributes, indexes), under a unique name. */
export const createOrdersTable = async (clients: BackendClients): Promise<string> => {
  const table = readTemplate().Resources.OrdersTable;
  if (table === undefined) throw new Error('template.yaml has no OrdersTable');
  const { Properties } = table;
  const TableName = uniqueName('orders');
  await ensureTable(clients, {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: Properties.AttributeDefinitions as AttributeDefinition[],
    KeySchema: Properties.KeySchema as KeySchemaElement[],
    GlobalSecondaryIndexes: Properties.GlobalSecondaryIndexes as GlobalSecondaryIndex[],
  });
  return TableName;
};

/** OrderEventsQueue with its DLQ and redrive, as the template configures them. */
export const createOrderEventsQueue = async (clients: BackendClients) => {
  const dlq = await ensureQueue(clients, uniqueName('order-events-dlq'));
  return ensureQueue(clients, uniqueName('order-events'), {
    visibilityTimeoutSeconds: 180,
    deadLetter: { queueArn: dlq.arn, maxReceiveCount: 5 },
  });
};

export const documentClient = (clients: BackendClients) =>
  DynamoDBDocumentClient.from(clients.dynamodb, {
    marshallOptions: { removeUndefinedValues: true },
  });

/** Every message currently on the queue (received once, hidden for the queue's visibility timeout). */
export const drainQueue = async (sqs: SQSClient, queueUrl: string): Promise<Message[]> => {
  const messages: Message[] = [];
  for (let emptyPolls = 0; emptyPolls < 2; ) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0, // everything was sent before we look: short polls suffice
        MessageAttributeNames: ['All'],
      }),
    );
    if (Messages.length === 0) emptyPolls += 1;
    messages.push(...Messages);
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

import {
  DeleteMessageCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { BackendClients } from '@shop/local-cloud';
import { ensureQueue } from '@shop/local-cloud';
import { uniqueName } from '@shop/local-cloud/testing';
import { createTableFromTemplate } from '@shop/testing/tables';

/**
 * OrdersTable as template.yaml defines it (keys, attributes, local index, stream), under a
 * unique name. Returns its name and stream ARN.
 */
export const createOrdersTable = async (
  clients: BackendClients,
): Promise<{ tableName: string; streamArn: string }> => {
  const { tableName, streamArn } = await createTableFromTemplate(clients, 'OrdersTable');
  if (streamArn === undefined) throw new Error(`table ${tableName} has no stream`);
  return { tableName, streamArn };
};

/** OrdersIdempotencyTable as template.yaml defines it (Powertools' key schema, TTL). */
export const createIdempotencyTable = async (clients: BackendClients): Promise<string> =>
  (await createTableFromTemplate(clients, 'OrdersIdempotencyTable')).tableName;

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

/** A document client on the backends' DynamoDB, for reading and planting items. */
export const documentClient = (clients: BackendClients) =>
  DynamoDBDocumentClient.from(clients.dynamodb);

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

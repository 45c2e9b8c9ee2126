import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  ensureBucket,
  ensureEmailIdentity,
  ensureQueue,
  ensureSecret,
  ensureTable,
} from '../resources.js';
import { TemplateError } from '../template/errors.js';
import {
  defaultName,
  isRecord,
  localArn,
  type Provisioner,
  property,
  stringProperty,
} from './context.js';
import { type GenerateSecretStringSpec, generateSecretString } from './generateSecretString.js';
import { parseNotificationConfiguration } from './notifications.js';

/** AWS::S3::Bucket: created on the backend; its notification settings are recorded. */
export const provisionBucket: Provisioner = async (ctx, input) => {
  const name = (
    stringProperty(ctx, input, 'BucketName') ?? defaultName(ctx, input.id, 63)
  ).toLowerCase();
  await ensureBucket(ctx.clients, name);
  const arn = `arn:${ctx.stack.info.partition}:s3:::${name}`;
  const domain = `${name}.s3.${ctx.stack.info.region}.${ctx.stack.info.urlSuffix}`;
  ctx.stack.register(input.id, {
    ref: name,
    attributes: {
      Arn: arn,
      DomainName: `${name}.s3.${ctx.stack.info.urlSuffix}`,
      RegionalDomainName: domain,
      DualStackDomainName: `${name}.s3.dualstack.${ctx.stack.info.region}.${ctx.stack.info.urlSuffix}`,
      WebsiteURL: `http://${name}.s3-website-${ctx.stack.info.region}.${ctx.stack.info.urlSuffix}`,
    },
  });
  const config = parseNotificationConfiguration(
    property(ctx, input, 'NotificationConfiguration'),
    `${input.path}.Properties.NotificationConfiguration`,
    ctx.warn,
  );
  ctx.model.buckets.set(input.id, {
    logicalId: input.id,
    name,
    arn,
    eventBridge: config.eventBridge,
    notifications: config.notifications,
  });
};

const numeric = (value: unknown) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

const throughput = (value: unknown) =>
  isRecord(value)
    ? {
        ReadCapacityUnits: numeric(value.ReadCapacityUnits),
        WriteCapacityUnits: numeric(value.WriteCapacityUnits),
      }
    : undefined;

const index = (value: unknown, provisioned: boolean) => {
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {
    IndexName: value.IndexName,
    KeySchema: value.KeySchema,
    Projection: value.Projection,
  };
  if (provisioned && value.ProvisionedThroughput)
    out.ProvisionedThroughput = throughput(value.ProvisionedThroughput);
  return out;
};

/** AWS::DynamoDB::Table: keys, indexes, billing mode and TTL (where the backend has it). */
export const provisionTable: Provisioner = async (ctx, input) => {
  const name = stringProperty(ctx, input, 'TableName') ?? defaultName(ctx, input.id, 255);
  const billingMode = stringProperty(ctx, input, 'BillingMode') ?? 'PROVISIONED';
  const provisioned = billingMode !== 'PAY_PER_REQUEST';
  const attributeDefinitions = property(ctx, input, 'AttributeDefinitions');
  const keySchema = property(ctx, input, 'KeySchema');
  if (!Array.isArray(keySchema) || keySchema.length === 0) {
    throw new TemplateError(
      `${input.path}.Properties.KeySchema`,
      'is required (a list of key elements)',
    );
  }
  if (!Array.isArray(attributeDefinitions)) {
    throw new TemplateError(
      `${input.path}.Properties.AttributeDefinitions`,
      'is required (a list)',
    );
  }
  const request: Record<string, unknown> = {
    TableName: name,
    AttributeDefinitions: attributeDefinitions,
    KeySchema: keySchema,
    BillingMode: billingMode,
  };
  if (provisioned) {
    request.ProvisionedThroughput = throughput(property(ctx, input, 'ProvisionedThroughput')) ?? {
      ReadCapacityUnits: 5,
      WriteCapacityUnits: 5,
    };
  }
  const gsis = property(ctx, input, 'GlobalSecondaryIndexes');
  if (Array.isArray(gsis) && gsis.length > 0) {
    request.GlobalSecondaryIndexes = gsis.map((gsi) => index(gsi, provisioned));
  }
  const lsis = property(ctx, input, 'LocalSecondaryIndexes');
  if (Array.isArray(lsis) && lsis.length > 0)
    request.LocalSecondaryIndexes = lsis.map((lsi) => index(lsi, false));
  const stream = property(ctx, input, 'StreamSpecification');
  if (isRecord(stream) && stream.StreamViewType) {
    request.StreamSpecification = { StreamEnabled: true, StreamViewType: stream.StreamViewType };
  }
  const ttl = property(ctx, input, 'TimeToLiveSpecification');
  const ttlAttribute =
    isRecord(ttl) &&
    (ttl.Enabled === true || ttl.Enabled === 'true') &&
    typeof ttl.AttributeName === 'string'
      ? ttl.AttributeName
      : undefined;
  const description = await ensureTable(
    ctx.clients,
    request as unknown as CreateTableCommandInput,
    ttlAttribute,
  );
  const arn = localArn(ctx, 'dynamodb', `table/${name}`);
  // The stream ARN is the backend's (its label is the stream's creation time): event source
  // mappings and the Streams API must agree on it.
  const streamArn = request.StreamSpecification ? description?.LatestStreamArn : undefined;
  if (request.StreamSpecification && streamArn === undefined) {
    ctx.warn(`${input.path}.Properties.StreamSpecification: the backend reports no stream`);
  }
  ctx.stack.register(input.id, {
    ref: name,
    attributes: { Arn: arn, StreamArn: streamArn ?? `${arn}/stream/1970-01-01T00:00:00.000` },
  });
  ctx.model.tables.set(input.id, {
    logicalId: input.id,
    name,
    arn,
    ...(ttlAttribute ? { timeToLiveAttribute: ttlAttribute } : {}),
    ...(streamArn
      ? {
          streamArn,
          streamViewType: String(
            (request.StreamSpecification as Record<string, unknown>).StreamViewType,
          ),
        }
      : {}),
  });
};

/** AWS::Serverless::SimpleTable: a table with one hash key (default `id`, String). */
export const provisionSimpleTable: Provisioner = async (ctx, input) => {
  const primaryKey = property(ctx, input, 'PrimaryKey');
  const keyName =
    isRecord(primaryKey) && typeof primaryKey.Name === 'string' ? primaryKey.Name : 'id';
  const keyType =
    isRecord(primaryKey) && typeof primaryKey.Type === 'string' ? primaryKey.Type : 'String';
  const type = { String: 'S', Number: 'N', Binary: 'B' }[keyType] ?? 'S';
  await provisionTable(ctx, {
    ...input,
    resource: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        ...(input.resource.Properties?.TableName === undefined
          ? {}
          : { TableName: input.resource.Properties.TableName }),
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: keyName, AttributeType: type }],
        KeySchema: [{ AttributeName: keyName, KeyType: 'HASH' }],
      },
    },
  });
};

const QUEUE_ATTRIBUTES = [
  'DelaySeconds',
  'MaximumMessageSize',
  'MessageRetentionPeriod',
  'ReceiveMessageWaitTimeSeconds',
  'VisibilityTimeout',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
];

/** AWS::SQS::Queue: attributes, visibility timeout and the redrive policy to its DLQ. */
export const provisionQueue: Provisioner = async (ctx, input) => {
  const fifo = String(property(ctx, input, 'FifoQueue')) === 'true';
  let name = stringProperty(ctx, input, 'QueueName') ?? defaultName(ctx, input.id, fifo ? 75 : 80);
  if (fifo && !name.endsWith('.fifo')) name = `${name}.fifo`;
  const attributes: Record<string, string> = {};
  for (const key of QUEUE_ATTRIBUTES) {
    const value = property(ctx, input, key);
    if (value !== undefined) attributes[key] = String(value);
  }
  let redrive = property(ctx, input, 'RedrivePolicy');
  if (typeof redrive === 'string') redrive = JSON.parse(redrive) as unknown;
  let deadLetter: { queueArn: string; maxReceiveCount: number } | undefined;
  if (redrive !== undefined) {
    const path = `${input.path}.Properties.RedrivePolicy`;
    if (!isRecord(redrive) || typeof redrive.deadLetterTargetArn !== 'string') {
      throw new TemplateError(path, 'needs deadLetterTargetArn (e.g. !GetAtt DeadLetterQueue.Arn)');
    }
    const maxReceiveCount = Number(redrive.maxReceiveCount);
    if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 1) {
      throw new TemplateError(`${path}.maxReceiveCount`, 'must be a positive integer');
    }
    deadLetter = { queueArn: redrive.deadLetterTargetArn, maxReceiveCount };
  }
  const queue = await ensureQueue(ctx.clients, name, {
    attributes,
    ...(deadLetter ? { deadLetter } : {}),
  });
  ctx.stack.register(input.id, {
    ref: queue.url,
    attributes: { Arn: queue.arn, QueueName: name, QueueUrl: queue.url },
  });
  ctx.model.queues.set(input.id, {
    logicalId: input.id,
    name,
    url: queue.url,
    arn: queue.arn,
    visibilityTimeoutSeconds: Number(attributes.VisibilityTimeout ?? 30),
    ...(attributes.ContentBasedDeduplication === 'true' ? { contentBasedDeduplication: true } : {}),
    ...(deadLetter
      ? { deadLetterQueueArn: deadLetter.queueArn, maxReceiveCount: deadLetter.maxReceiveCount }
      : {}),
  });
};

/** AWS::SecretsManager::Secret: SecretString, or a value made from GenerateSecretString. */
export const provisionSecret: Provisioner = async (ctx, input) => {
  const name = stringProperty(ctx, input, 'Name') ?? defaultName(ctx, input.id, 256);
  const given = stringProperty(ctx, input, 'SecretString');
  const spec = property(ctx, input, 'GenerateSecretString');
  if (given !== undefined && spec !== undefined) {
    throw new TemplateError(
      `${input.path}.Properties`,
      'SecretString and GenerateSecretString are exclusive',
    );
  }
  let value: string;
  try {
    value = given ?? generateSecretString(isRecord(spec) ? (spec as GenerateSecretStringSpec) : {});
  } catch (error) {
    throw new TemplateError(
      `${input.path}.Properties.GenerateSecretString`,
      (error as Error).message,
      {
        cause: error,
      },
    );
  }
  const arn = await ensureSecret(ctx.clients, name, value);
  ctx.stack.register(input.id, { ref: arn, attributes: { Id: arn } });
  ctx.model.secrets.set(input.id, { logicalId: input.id, name, arn, value });
};

/** AWS::SES::EmailIdentity: verified on backends that check identities (moto). */
export const provisionEmailIdentity: Provisioner = async (ctx, input) => {
  const identity = stringProperty(ctx, input, 'EmailIdentity');
  if (identity === undefined) {
    throw new TemplateError(`${input.path}.Properties.EmailIdentity`, 'is required');
  }
  await ensureEmailIdentity(ctx.clients, identity);
  ctx.model.emailIdentities.push(identity);
  ctx.stack.register(input.id, { ref: identity, attributes: {} });
};

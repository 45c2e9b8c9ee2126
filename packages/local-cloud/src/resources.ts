import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  ResourceInUseException,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { BucketAlreadyOwnedByYou, CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceExistsException,
} from '@aws-sdk/client-secrets-manager';
import { CreateEmailIdentityCommand } from '@aws-sdk/client-sesv2';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
} from '@aws-sdk/client-sqs';
import type { BackendClients } from './clients.js';

// Idempotent creators: running them against a backend that already has the resource (a
// restarted dev session against moto, say) is not an error.

/**
 * Create a DynamoDB table (and its TTL, where the backend supports it). Returns the table as
 * the backend describes it (its stream ARN, for one).
 */
export const ensureTable = async (
  clients: Pick<BackendClients, 'dynamodb'>,
  input: CreateTableCommandInput,
  timeToLiveAttribute?: string,
): Promise<TableDescription | undefined> => {
  try {
    await clients.dynamodb.send(new CreateTableCommand(input));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const { Table } = await clients.dynamodb.send(
    new DescribeTableCommand({ TableName: input.TableName }),
  );
  if (timeToLiveAttribute === undefined) return Table;
  try {
    await clients.dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: input.TableName,
        TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    // dynalite has no UpdateTimeToLive: items then simply never expire locally.
    if ((error as Error).name !== 'UnknownOperationException') throw error;
  }
  return Table;
};

/** A queue's URL and ARN. */
export interface QueueRef {
  url: string;
  arn: string;
}

/** Create an SQS queue; with `deadLetter`, its DLQ first and the redrive policy. */
export const ensureQueue = async (
  clients: Pick<BackendClients, 'sqs'>,
  name: string,
  options: {
    visibilityTimeoutSeconds?: number;
    deadLetter?: { queueArn: string; maxReceiveCount: number };
    attributes?: Record<string, string>;
  } = {},
): Promise<QueueRef> => {
  const attributes: Record<string, string> = { ...options.attributes };
  if (options.visibilityTimeoutSeconds !== undefined) {
    attributes.VisibilityTimeout = String(options.visibilityTimeoutSeconds);
  }
  if (options.deadLetter !== undefined) {
    attributes.RedrivePolicy = JSON.stringify({
      deadLetterTargetArn: options.deadLetter.queueArn,
      maxReceiveCount: options.deadLetter.maxReceiveCount,
    });
  }
  let QueueUrl: string | undefined;
  try {
    ({ QueueUrl } = await clients.sqs.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    ));
  } catch (error) {
    // The queue exists with other attributes (a restarted session against moto, say).
    const code = (error as Error).name;
    if (code !== 'QueueNameExists' && code !== 'QueueAlreadyExists') throw error;
    ({ QueueUrl } = await clients.sqs.send(new GetQueueUrlCommand({ QueueName: name })));
    const { FifoQueue: _immutable, ...mutable } = attributes;
    await clients.sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: mutable }));
  }
  if (QueueUrl === undefined) throw new Error(`CreateQueue ${name} returned no QueueUrl`);
  const { Attributes } = await clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (arn === undefined) throw new Error(`Queue ${name} has no QueueArn`);
  return { url: QueueUrl, arn };
};

/** Create an S3 bucket. */
export const ensureBucket = async (
  clients: Pick<BackendClients, 's3'>,
  name: string,
): Promise<void> => {
  try {
    await clients.s3.send(new CreateBucketCommand({ Bucket: name }));
  } catch (error) {
    if (
      !(error instanceof BucketAlreadyOwnedByYou) &&
      (error as Error).name !== 'BucketAlreadyExists'
    ) {
      throw error;
    }
  }
};

/** Create a secret with a value, or make the value its new AWSCURRENT if it exists. */
export const ensureSecret = async (
  clients: Pick<BackendClients, 'secretsManager'>,
  name: string,
  value: string,
): Promise<string> => {
  try {
    const created = await clients.secretsManager.send(
      new CreateSecretCommand({ Name: name, SecretString: value }),
    );
    return created.ARN ?? name;
  } catch (error) {
    if (!(error instanceof ResourceExistsException)) throw error;
    const put = await clients.secretsManager.send(
      new PutSecretValueCommand({ SecretId: name, SecretString: value }),
    );
    return put.ARN ?? name;
  }
};

/** Verify a sender identity where the backend checks identities (moto, AWS). */
export const ensureEmailIdentity = async (
  clients: Pick<BackendClients, 'ses'>,
  identity: string,
): Promise<void> => {
  try {
    await clients.ses.send(new CreateEmailIdentityCommand({ EmailIdentity: identity }));
  } catch (error) {
    const name = (error as Error).name;
    // aws-ses-v2-local accepts any sender and does not serve identity operations.
    if (name === 'AlreadyExistsException' || name === 'UnknownOperationException') return;
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return;
    }
    throw error;
  }
};

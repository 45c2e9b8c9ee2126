// The local cloud as the template describes it, after every resource has been created on
// the backends and every intrinsic resolved: what the runner runs.

/** S3 key filter of a notification (already URL-decoded values). */
export interface KeyFilter {
  prefix?: string;
  suffix?: string;
}

/** One S3 notification configuration of a bucket. */
export interface BucketNotification {
  /** `s3:ObjectCreated:*`, `s3:ObjectRemoved:Delete` ... */
  events: string[];
  filter: KeyFilter;
  /** The configuration id S3 puts in records (`configurationId`). */
  id: string;
  target: { kind: 'function'; functionId: string } | { kind: 'queue'; queueId: string };
}

export interface BucketModel {
  logicalId: string;
  name: string;
  arn: string;
  eventBridge: boolean;
  notifications: BucketNotification[];
}

export interface TableModel {
  logicalId: string;
  name: string;
  arn: string;
  timeToLiveAttribute?: string;
  /** The table's stream, as the backend reports it (LatestStreamArn). */
  streamArn?: string;
  streamViewType?: string;
}

export interface QueueModel {
  logicalId: string;
  name: string;
  url: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  /** ContentBasedDeduplication (FIFO queues): SQS makes the deduplication id from the body. */
  contentBasedDeduplication?: boolean;
  deadLetterQueueArn?: string;
  maxReceiveCount?: number;
}

export interface SecretModel {
  logicalId: string;
  name: string;
  arn: string;
  value: string;
}

/** A function as Lambda would run it. */
export interface FunctionModel {
  logicalId: string;
  name: string;
  arn: string;
  /** Absolute path of the code folder (CodeUri). */
  codeDir: string;
  handler: string;
  runtime: string;
  timeoutSeconds: number;
  memoryMb: number;
  architecture: string;
  /** The function's own variables, resolved (template Environment.Variables). */
  environment: Record<string, string>;
  logGroupName: string;
  logFormat: 'Text' | 'JSON';
  applicationLogLevel?: string;
  systemLogLevel?: string;
  /** Asynchronous invocation settings (EventInvokeConfig, DeadLetterQueue). */
  async: AsyncInvokeConfig;
  /** ReservedConcurrentExecutions: caps the function's environments (0 throttles every call). */
  reservedConcurrency?: number;
  /** Why this function cannot run locally (missing code, unsupported runtime), if so. */
  problem?: string;
}

/** Where an asynchronous invocation's record goes. */
export interface DestinationModel {
  kind: 'queue' | 'function';
  /** Queue or function logical ID. */
  resourceId: string;
}

/** How Lambda handles asynchronous invocations of a function. */
export interface AsyncInvokeConfig {
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  onSuccess?: DestinationModel;
  onFailure?: DestinationModel;
  /** SQS dead-letter queue (DeadLetterQueue / DeadLetterConfig) logical ID. */
  deadLetterQueueId?: string;
}

/** Lambda authorizer of an HTTP API. */
export interface AuthorizerModel {
  name: string;
  kind: 'lambda' | 'jwt';
  functionId?: string;
  payloadFormatVersion: '1.0' | '2.0';
  simpleResponses: boolean;
  /** `$request.header.Authorization`, `$request.querystring.token` ... */
  identitySource: string[];
  resultTtlSeconds: number;
  jwt?: { issuer?: string; audience: string[] };
}

export interface RouteModel {
  /** `GET /orders/{orderId}` or `$default`. */
  routeKey: string;
  method: string;
  path: string;
  functionId: string;
  authorizer?: string;
  payloadFormatVersion: '1.0' | '2.0';
  timeoutMs: number;
}

export interface CorsModel {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge?: number;
  allowCredentials: boolean;
}

export interface HttpApiModel {
  logicalId: string;
  apiId: string;
  routes: RouteModel[];
  authorizers: Map<string, AuthorizerModel>;
  defaultAuthorizer?: string;
  cors?: CorsModel;
}

/** An EventBridge rule on the default (or a named) bus: an event pattern or a schedule. */
export interface RuleModel {
  logicalId: string;
  name: string;
  eventBusName: string;
  pattern?: unknown;
  /** `rate(...)` / `cron(...)`; `scheduler` rules (ScheduleV2) send only their Input. */
  schedule?: { expression: string; kind: 'rule' | 'scheduler' };
  targets: RuleTarget[];
}

export interface RuleTarget {
  id: string;
  kind: 'queue' | 'function';
  /** Queue or function logical ID. */
  resourceId: string;
  input?: string;
  inputPath?: string;
  /** SqsParameters.MessageGroupId: the group of each message to a FIFO queue (required there). */
  messageGroupId?: string;
}

/** An SQS event source mapping. */
export interface SqsMappingModel {
  id: string;
  functionId: string;
  queueId: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
  filters: unknown[];
}

/** A DynamoDB Streams event source mapping (SAM `Type: DynamoDB`). */
export interface StreamMappingModel {
  id: string;
  functionId: string;
  tableId: string;
  streamArn: string;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  bisectBatchOnFunctionError: boolean;
  /** -1: until the record expires. */
  maximumRetryAttempts: number;
  /** -1: no limit (the stream's own 24 h retention). */
  maximumRecordAgeSeconds: number;
  reportBatchItemFailures: boolean;
  enabled: boolean;
  filters: unknown[];
  /** DestinationConfig.OnFailure: an SQS queue of this template (logical ID). */
  onFailureQueueId?: string;
}

/** Everything the runner needs, resolved. */
export interface LocalStackModel {
  stackName: string;
  region: string;
  accountId: string;
  buckets: Map<string, BucketModel>;
  tables: Map<string, TableModel>;
  queues: Map<string, QueueModel>;
  secrets: Map<string, SecretModel>;
  emailIdentities: string[];
  functions: Map<string, FunctionModel>;
  httpApis: Map<string, HttpApiModel>;
  rules: RuleModel[];
  sqsMappings: SqsMappingModel[];
  streamMappings: StreamMappingModel[];
  parameters: ReadonlyMap<string, string | string[]>;
  outputs: Record<string, unknown>;
  warnings: string[];
  /** Resource types present but with no local effect (IAM, alarms, log groups ...). */
  ignored: string[];
}

import type { IncomingHttpHeaders } from 'node:http';
import type { FaultService } from './types.js';

const SIGNING_NAMES: Record<string, FaultService> = {
  s3: 's3',
  sqs: 'sqs',
  dynamodb: 'dynamodb',
  ses: 'ses',
  email: 'ses',
  secretsmanager: 'secretsmanager',
};

const TARGET_PREFIXES: Record<string, FaultService> = {
  DynamoDB_20120810: 'dynamodb',
  DynamoDBStreams_20120810: 'dynamodbstreams',
  AmazonSQS: 'sqs',
  secretsmanager: 'secretsmanager',
};

const header = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
};

/** The SigV4 credential scope's service (`.../us-east-1/<service>/aws4_request`). */
const signingName = (headers: IncomingHttpHeaders, query: URLSearchParams): string | undefined => {
  const credential =
    /Credential=([^,\s]+)/.exec(header(headers, 'authorization'))?.[1] ??
    query.get('X-Amz-Credential') ??
    undefined;
  return credential?.split('/')[3];
};

/**
 * Which service a request is for: the SigV4 signing name (every SDK signs, dummy
 * credentials too), told apart from DynamoDB Streams by `X-Amz-Target`; failing that, the
 * target or SES v2's path. Unsigned requests that name no service (an emulator's own pages,
 * moto's `/moto-api`) are `undefined`: no rule applies to them.
 */
export const requestService = (
  headers: IncomingHttpHeaders,
  url: URL,
): FaultService | undefined => {
  const target = header(headers, 'x-amz-target');
  const byTarget = TARGET_PREFIXES[target.split('.')[0] ?? ''];
  if (byTarget === 'dynamodbstreams') return byTarget;
  const name = signingName(headers, url.searchParams);
  const bySigning = name === undefined ? undefined : SIGNING_NAMES[name];
  if (bySigning) return bySigning;
  if (byTarget) return byTarget;
  if (url.pathname.startsWith('/v2/email/')) return 'ses';
  return undefined;
};

const SES_V2: Array<[RegExp, Record<string, string>]> = [
  [/^\/v2\/email\/outbound-emails$/, { POST: 'SendEmail' }],
  [/^\/v2\/email\/outbound-bulk-emails$/, { POST: 'SendBulkEmail' }],
  [/^\/v2\/email\/identities$/, { POST: 'CreateEmailIdentity', GET: 'ListEmailIdentities' }],
  [/^\/v2\/email\/identities\/[^/]+$/, { GET: 'GetEmailIdentity', DELETE: 'DeleteEmailIdentity' }],
  [/^\/v2\/email\/account$/, { GET: 'GetAccount' }],
  [/^\/v2\/email\/templates$/, { POST: 'CreateEmailTemplate', GET: 'ListEmailTemplates' }],
  [
    /^\/v2\/email\/templates\/[^/]+$/,
    { GET: 'GetEmailTemplate', PUT: 'UpdateEmailTemplate', DELETE: 'DeleteEmailTemplate' },
  ],
  [
    /^\/v2\/email\/configuration-sets$/,
    { POST: 'CreateConfigurationSet', GET: 'ListConfigurationSets' },
  ],
];

const S3_BUCKET_SUBRESOURCES: Array<[string, Record<string, string>]> = [
  [
    'notification',
    { GET: 'GetBucketNotificationConfiguration', PUT: 'PutBucketNotificationConfiguration' },
  ],
  ['versioning', { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' }],
  ['policy', { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' }],
  ['cors', { GET: 'GetBucketCors', PUT: 'PutBucketCors', DELETE: 'DeleteBucketCors' }],
  [
    'lifecycle',
    {
      GET: 'GetBucketLifecycleConfiguration',
      PUT: 'PutBucketLifecycleConfiguration',
      DELETE: 'DeleteBucketLifecycle',
    },
  ],
  ['tagging', { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'DeleteBucketTagging' }],
  ['location', { GET: 'GetBucketLocation' }],
  ['uploads', { GET: 'ListMultipartUploads' }],
  ['versions', { GET: 'ListObjectVersions' }],
  ['delete', { POST: 'DeleteObjects' }],
  ['acl', { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' }],
];

/** The S3 action of a path-style REST request (`/<bucket>/<key>?<subresource>`). */
const s3Operation = (method: string, url: URL, headers: IncomingHttpHeaders) => {
  const [bucket = '', ...key] = url.pathname.replace(/^\//, '').split('/');
  const q = url.searchParams;
  const copy = header(headers, 'x-amz-copy-source') !== '';
  // The AWS SDK v3 names most S3 actions itself.
  const named = q.get('x-id');
  if (named) return named;
  if (bucket === '') return method === 'GET' ? 'ListBuckets' : undefined;
  if (key.join('/') === '') {
    for (const [param, operations] of S3_BUCKET_SUBRESOURCES) {
      if (q.has(param)) return operations[method];
    }
    if (method === 'GET') return q.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    return { PUT: 'CreateBucket', DELETE: 'DeleteBucket', HEAD: 'HeadBucket' }[method];
  }
  if (q.has('uploadId')) {
    if (method === 'PUT') return copy ? 'UploadPartCopy' : 'UploadPart';
    return { POST: 'CompleteMultipartUpload', DELETE: 'AbortMultipartUpload', GET: 'ListParts' }[
      method
    ];
  }
  if (q.has('uploads') && method === 'POST') return 'CreateMultipartUpload';
  if (q.has('tagging')) {
    return { GET: 'GetObjectTagging', PUT: 'PutObjectTagging', DELETE: 'DeleteObjectTagging' }[
      method
    ];
  }
  if (q.has('acl')) return { GET: 'GetObjectAcl', PUT: 'PutObjectAcl' }[method];
  if (method === 'PUT') return copy ? 'CopyObject' : 'PutObject';
  return { GET: 'GetObject', HEAD: 'HeadObject', DELETE: 'DeleteObject', POST: 'PostObject' }[
    method
  ];
};

/** Whether the action name is in the body (query protocol: SQS, SES v1 and others, form-encoded). */
export const isQueryProtocol = (headers: IncomingHttpHeaders): boolean =>
  header(headers, 'content-type').includes('application/x-www-form-urlencoded');

/**
 * The AWS action a request calls: from `X-Amz-Target` (JSON protocols), `Action=` (query
 * protocol, in the URL or, given the body, in it), the method and path (S3, SES v2).
 */
export const requestOperation = (
  service: FaultService | undefined,
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body?: string,
): string | undefined => {
  const target = header(headers, 'x-amz-target');
  if (target !== '') return target.slice(target.lastIndexOf('.') + 1);
  const action = url.searchParams.get('Action');
  if (action) return action;
  if (isQueryProtocol(headers) && body !== undefined) {
    return new URLSearchParams(body).get('Action') ?? undefined;
  }
  if (service === 'ses') {
    for (const [pattern, operations] of SES_V2) {
      if (pattern.test(url.pathname)) return operations[method];
    }
    return undefined;
  }
  if (service === 's3') return s3Operation(method, url, headers);
  return undefined;
};

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { requestOperation, requestService } from '../../src/faults/awsRequest.js';
import { describeFaultRule } from '../../src/faults/describeFaultRule.js';
import { faultErrorAnswer } from '../../src/faults/errorShapes.js';
import { FaultRuleError } from '../../src/faults/errors.js';
import { FaultSet } from '../../src/faults/FaultSet.js';
import { parseFaultFile, parseFaultRule } from '../../src/faults/parseFaultRules.js';
import type { AwsRequestInfo } from '../../src/faults/types.js';

const request = (overrides: Partial<AwsRequestInfo> = {}): AwsRequestInfo => ({
  service: 'ses',
  operation: 'SendEmail',
  method: 'POST',
  path: '/v2/email/outbound-emails',
  body: '{"Content":"order o-1"}',
  ...overrides,
});

const outcomes = (set: FaultSet, requests: AwsRequestInfo[]) =>
  requests.map((r) => set.decide(r)?.ruleId ?? '-');

describe('FaultSet', () => {
  it('matches on service, operation, body substring and path regex', () => {
    // Prepare
    const set = new FaultSet([
      {
        id: 'r',
        service: 'ses',
        operation: ['SendEmail', 'SendBulkEmail'],
        body: 'o-1',
        path: { regex: '^/v2/' },
        delayMs: 1,
      },
    ]);

    // Act
    const results = outcomes(set, [
      request(),
      request({ service: 'sqs' }),
      request({ operation: 'GetAccount' }),
      request({ body: 'order o-2' }),
      request({ path: '/store' }),
      request({ operation: 'SendBulkEmail' }),
    ]);

    // Assess
    expect(results).toEqual(['r', '-', '-', '-', '-', 'r']);
    expect(set.stats('r')).toMatchObject({ matched: 2, applied: 2 });
  });

  it('skips `after` matches, then applies `times` times, counting every match', () => {
    // Prepare
    const set = new FaultSet([{ id: 'r', service: 'ses', delayMs: 1, after: 2, times: 3 }]);

    // Act
    const results = outcomes(
      set,
      Array.from({ length: 7 }, () => request()),
    );

    // Assess
    expect(results).toEqual(['-', '-', 'r', 'r', 'r', '-', '-']);
    expect(set.stats('r')).toMatchObject({ matched: 7, applied: 3 });
  });

  it('counts per body: each distinct message fails twice, whatever the interleaving', () => {
    // Prepare
    const set = new FaultSet([
      {
        id: 'r',
        service: 'ses',
        error: { status: 503, code: 'ServiceUnavailable' },
        per: 'body',
        times: 2,
      },
    ]);
    const a = request({ body: 'order a' });
    const b = request({ body: 'order b' });

    // Act
    const results = outcomes(set, [a, b, a, b, a, b, a]);

    // Assess
    expect(results).toEqual(['r', 'r', 'r', 'r', '-', '-', '-']);
    expect(set.stats('r')).toMatchObject({ matched: 7, applied: 4, keys: 2 });
  });

  it('counts per regex capture and ignores requests the regex does not find', () => {
    // Prepare
    const set = new FaultSet([
      { id: 'r', service: 'ses', delayMs: 1, per: { regex: 'order (o-\\d+)' }, times: 1 },
    ]);

    // Act
    const results = outcomes(set, [
      request({ body: 'confirm order o-1' }),
      request({ body: 'cancel order o-1' }),
      request({ body: 'confirm order o-2' }),
      request({ body: 'no order here' }),
    ]);

    // Assess
    expect(results).toEqual(['r', '-', 'r', '-']);
    expect(set.stats('r')).toMatchObject({ matched: 3, keys: 2 });
  });

  it('applies the first eligible rule; later matching rules still count the match', () => {
    // Prepare
    const set = new FaultSet([
      { id: 'first', service: 'ses', delayMs: 1, times: 1 },
      { id: 'second', service: 'ses', delayMs: 2 },
    ]);

    // Act
    const results = outcomes(set, [request(), request()]);

    // Assess
    expect(results).toEqual(['first', 'second']);
    expect(set.stats('second')).toMatchObject({ matched: 2, applied: 1 });
  });

  it('repeats the same probabilistic sequence for the same seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const run = () => {
          const set = new FaultSet([
            { id: 'r', service: 'ses', delayMs: 1, probability: 0.5, seed },
          ]);
          return outcomes(
            set,
            Array.from({ length: 20 }, () => request()),
          );
        };
        expect(run()).toEqual(run());
      }),
      { numRuns: 50 },
    );
  });

  it('clears only the rules of one owner when asked', () => {
    // Prepare
    const set = new FaultSet();
    set.add({ id: 'mine', service: 'ses', delayMs: 1 }, 'me');
    set.add({ id: 'theirs', service: 'ses', delayMs: 1 }, 'them');

    // Act
    const removed = set.clear('me');

    // Assess
    expect(removed).toBe(1);
    expect(set.list().map((r) => r.id)).toEqual(['theirs']);
  });
});

describe('parseFaultRule', () => {
  it.each([
    [{ service: 'sns', delayMs: 1 }, 'rule.service'],
    [{ service: 'ses' }, 'rule'],
    [{ service: 'ses', error: { status: 200, code: 'X' } }, 'rule.error.status'],
    [{ service: 'ses', error: { status: 503 } }, 'rule.error.code'],
    [{ service: 'ses', error: { status: 503, code: 'X', extra: 1 } }, 'rule.error.extra'],
    [{ service: 'ses', operation: ['SendEmail', 'send-email'], delayMs: 1 }, 'rule.operation[1]'],
    [{ service: 'ses', body: { regex: '(' }, delayMs: 1 }, 'rule.body.regex'],
    [{ service: 'ses', delayMs: -1 }, 'rule.delayMs'],
    [{ service: 'ses', delayMs: 1, times: 1.5 }, 'rule.times'],
    [{ service: 'ses', delayMs: 1, probability: 2 }, 'rule.probability'],
    [{ service: 'ses', delayMs: 1, tmies: 2 }, 'rule.tmies'],
    [{ service: 'ses', error: { status: 503, code: 'X' }, holdResponseMs: 1 }, 'rule.error'],
  ])('rejects %j naming %s', (rule, field) => {
    expect(() => parseFaultRule(rule)).toThrow(
      expect.objectContaining({ name: 'FaultRuleError', field }),
    );
  });

  it('never throws anything but a FaultRuleError on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          parseFaultRule(value);
        } catch (error) {
          expect(error).toBeInstanceOf(FaultRuleError);
        }
      }),
    );
  });
});

describe('parseFaultFile', () => {
  it('names the file and the field', () => {
    expect(() =>
      parseFaultFile('{"rules":[{"service":"ses","delayMs":1},{"service":"ses"}]}', 'f.json'),
    ).toThrow('f.json: rules[1]: needs an effect');
  });

  it('reports invalid JSON with the file name', () => {
    expect(() => parseFaultFile('{', 'f.json')).toThrow(/^f\.json: not valid JSON/);
  });
});

describe('describeFaultRule', () => {
  it('says in one line what a rule matches, does and how often', () => {
    expect(
      describeFaultRule({
        id: 'ses-1',
        service: 'ses',
        operation: 'SendEmail',
        body: 'order-1',
        error: { status: 503, code: 'ServiceUnavailable' },
        times: 2,
        per: 'body',
      }),
    ).toBe('ses SendEmail (body "order-1") -> 503 ServiceUnavailable, 2 times per body');
    expect(
      describeFaultRule({
        id: 'ddb-1',
        service: 'dynamodb',
        operation: ['PutItem', 'UpdateItem'],
        path: { regex: '^/$' },
        delayMs: 300,
        holdResponseMs: 50,
        probability: 0.5,
        seed: 7,
      }),
    ).toBe(
      'dynamodb PutItem|UpdateItem (path /^/$/) -> delay 300 ms, forward, hold answer 50 ms, p=0.5 seed 7',
    );
    expect(describeFaultRule({ id: 'sqs-1', service: 'sqs', dropConnection: true })).toBe(
      'sqs * -> forward, drop connection',
    );
  });
});

describe('requestService and requestOperation', () => {
  const auth = (service: string) => ({
    authorization: `AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`,
  });
  it.each([
    [
      { ...auth('sqs'), 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
      'POST',
      '/',
      undefined,
      'sqs',
      'SendMessageBatch',
    ],
    [
      { ...auth('dynamodb'), 'x-amz-target': 'DynamoDB_20120810.UpdateItem' },
      'POST',
      '/',
      undefined,
      'dynamodb',
      'UpdateItem',
    ],
    [
      { ...auth('dynamodb'), 'x-amz-target': 'DynamoDBStreams_20120810.GetRecords' },
      'POST',
      '/',
      undefined,
      'dynamodbstreams',
      'GetRecords',
    ],
    [
      { ...auth('secretsmanager'), 'x-amz-target': 'secretsmanager.GetSecretValue' },
      'POST',
      '/',
      undefined,
      'secretsmanager',
      'GetSecretValue',
    ],
    [auth('ses'), 'POST', '/v2/email/outbound-emails', undefined, 'ses', 'SendEmail'],
    [
      { ...auth('ses'), 'content-type': 'application/x-www-form-urlencoded' },
      'POST',
      '/',
      'Action=SendEmail&Version=2010-12-01',
      'ses',
      'SendEmail',
    ],
    [
      { ...auth('sqs'), 'content-type': 'application/x-www-form-urlencoded' },
      'POST',
      '/',
      'Action=SendMessage',
      'sqs',
      'SendMessage',
    ],
    [auth('s3'), 'GET', '/bucket/uploads/a.jpg?x-id=GetObject', undefined, 's3', 'GetObject'],
    [auth('s3'), 'GET', '/bucket/uploads/a.jpg', undefined, 's3', 'GetObject'],
    [
      { ...auth('s3'), 'x-amz-copy-source': '/b/k' },
      'PUT',
      '/bucket/k2',
      undefined,
      's3',
      'CopyObject',
    ],
    [auth('s3'), 'PUT', '/bucket/k?partNumber=1&uploadId=u', undefined, 's3', 'UploadPart'],
    [auth('s3'), 'GET', '/bucket?list-type=2&prefix=a', undefined, 's3', 'ListObjectsV2'],
    [
      auth('s3'),
      'PUT',
      '/bucket?notification',
      undefined,
      's3',
      'PutBucketNotificationConfiguration',
    ],
    [{}, 'GET', '/store', undefined, undefined, undefined],
  ])('%j %s %s -> %s %s', (headers, method, path, body, service, operation) => {
    const url = new URL(path, 'http://proxy');
    const found = requestService(headers, url);
    expect(found).toBe(service);
    expect(requestOperation(found, method, url, headers, body)).toBe(operation);
  });
});

describe('faultErrorAnswer', () => {
  const error = { status: 503, code: 'ServiceUnavailable', message: 'down <now>' };
  it('answers JSON protocols with __type (and SQS with its query error header)', () => {
    const answer = faultErrorAnswer(
      'sqs',
      { 'content-type': 'application/x-amz-json-1.0' },
      '/',
      error,
    );
    expect(answer.status).toBe(503);
    expect(JSON.parse(answer.body.toString())).toEqual({
      __type: 'com.amazonaws.sqs#ServiceUnavailable',
      message: 'down <now>',
    });
    expect(answer.headers['x-amzn-query-error']).toBe('ServiceUnavailable;Receiver');
  });

  it('answers SES v2 with x-amzn-ErrorType', () => {
    const answer = faultErrorAnswer('ses', {}, '/v2/email/outbound-emails', error);
    expect(answer.headers['x-amzn-errortype']).toBe('ServiceUnavailable');
    expect(JSON.parse(answer.body.toString())).toEqual({ message: 'down <now>' });
  });

  it('answers S3 and the query protocol with escaped XML', () => {
    const s3 = faultErrorAnswer('s3', {}, '/b/k', error).body.toString();
    const query = faultErrorAnswer(
      'ses',
      { 'content-type': 'application/x-www-form-urlencoded' },
      '/',
      { status: 400, code: 'Throttling' },
    ).body.toString();
    expect(s3).toContain(
      '<Error><Code>ServiceUnavailable</Code><Message>down &lt;now&gt;</Message>',
    );
    expect(query).toContain('<Error><Type>Sender</Type><Code>Throttling</Code>');
  });
});

import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, REDACTED, redactingReplacer, redactString } from '../../src/logger.js';

const captureStdout = () => {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  return { lines, spy };
};

afterEach(() => vi.restoreAllMocks());

describe('redactString', () => {
  it('keeps only the domain of email addresses', () => {
    expect(redactString('sent to ada.lovelace+shop@example.co.uk today')).toBe(
      'sent to ***@example.co.uk today',
    );
  });

  it('keeps only the domain of internationalised email addresses', () => {
    expect(redactString('to jürgen.groß@bücher.de and 用户@例子.广告, ok')).toBe(
      'to ***@bücher.de and ***@例子.广告, ok',
    );
    expect(redactString('zoë@xn--bcher-kva.de')).toBe('***@xn--bcher-kva.de');
  });

  it('replaces JWTs and bearer credentials', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjMSJ9.sig-nature_1';
    expect(redactString(`token ${jwt}`)).toBe(`token ${REDACTED}`);
    expect(redactString('Bearer abc.def-123')).toBe(`Bearer ${REDACTED}`);
  });

  it('never leaves an email address in its output', () => {
    fc.assert(
      fc.property(fc.string(), fc.emailAddress(), fc.string(), (before, email, after) => {
        expect(redactString(`${before} ${email} ${after}`)).not.toContain(email);
      }),
    );
  });
});

describe('redactingReplacer', () => {
  it('redacts sensitive keys at any depth, whatever their spelling', () => {
    // Act
    const json = JSON.stringify(
      {
        headers: { Authorization: 'Bearer x', 'x-api-key': 'k', Cookie: 'sid=1' },
        nested: { deeper: { refresh_token: 'r', password: 'p' } },
        orderId: 'o-1',
      },
      redactingReplacer,
    );

    // Assess
    expect(JSON.parse(json)).toEqual({
      headers: { Authorization: REDACTED, 'x-api-key': REDACTED, Cookie: REDACTED },
      nested: { deeper: { refresh_token: REDACTED, password: REDACTED } },
      orderId: 'o-1',
    });
  });

  it('redacts keys that end like a credential, and keeps ordinary keys', () => {
    // Act
    const json = JSON.stringify(
      {
        sessionToken: 's',
        'x-amz-security-token': 't',
        clientSecret: 'c',
        aws_secret_access_key: 'a',
        privateKey: 'p',
        credentials: { accessKeyId: 'AKIA' },
        sortKey: 'ORDER#1',
        idempotencyKeyPrefix: 'orders',
      },
      redactingReplacer,
    );

    // Assess
    expect(JSON.parse(json)).toEqual({
      sessionToken: REDACTED,
      'x-amz-security-token': REDACTED,
      clientSecret: REDACTED,
      aws_secret_access_key: REDACTED,
      privateKey: REDACTED,
      credentials: REDACTED,
      sortKey: 'ORDER#1',
      idempotencyKeyPrefix: 'orders',
    });
  });
});

describe('createLogger', () => {
  it('writes structured JSON with the service name and redacts PII wherever it appears', () => {
    // Prepare
    const { lines } = captureStdout();
    const logger = createLogger('orders-api', { logLevel: 'INFO' });

    // Act
    logger.info('order placed for ada@example.com', {
      orderId: 'o-1',
      customer: { email: 'ada@example.com' },
      event: { headers: { authorization: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjMSJ9.sig' } },
    });

    // Assess
    const output = lines.join('');
    expect(output).not.toContain('ada@example.com');
    expect(output).not.toContain('eyJ');
    const item = JSON.parse(output.trim().split('\n').at(-1) ?? '{}');
    expect(item).toMatchObject({
      level: 'INFO',
      service: 'orders-api',
      message: 'order placed for ***@example.com',
      orderId: 'o-1',
      customer: { email: '***@example.com' },
      event: { headers: { authorization: REDACTED } },
    });
  });

  it('adds the request id, cold start and correlation id from the Lambda context', () => {
    // Prepare
    const { lines } = captureStdout();
    const logger = createLogger('email', { logLevel: 'INFO' });
    logger.addContext({
      awsRequestId: 'req-123',
      functionName: 'EmailFunction',
      functionVersion: '$LATEST',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:EmailFunction',
      memoryLimitInMB: '256',
      callbackWaitsForEmptyEventLoop: true,
      logGroupName: 'g',
      logStreamName: 's',
      getRemainingTimeInMillis: () => 1000,
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    });
    logger.setCorrelationId('evt-9');

    // Act
    logger.info('sent');

    // Assess
    const item = JSON.parse(lines.join('').trim().split('\n').at(-1) ?? '{}');
    expect(item).toMatchObject({
      function_request_id: 'req-123',
      function_name: 'EmailFunction',
      correlation_id: 'evt-9',
    });
    expect(typeof item.cold_start).toBe('boolean');
  });
});

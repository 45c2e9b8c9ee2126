import type { ServerResponse } from 'node:http';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  type AwsCallLimits,
  AwsDeadlineExceededError,
  createAwsClient,
  DEFAULT_AWS_CALL_LIMITS,
  runWithDeadline,
  withDeadline,
  worstCaseCallMs,
} from '../../src/aws.js';
import { closeServers, stallingServer, startServer } from '../support/localServers.js';

const SECRET = { Name: 'signing-key', SecretString: 's3cr3t', VersionId: 'v1' };
const answerSecret = (response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
  response.end(JSON.stringify(SECRET));
};

const TEST_CLIENT = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test' },
};

const secretsClient = (endpoint: string, limits: Partial<AwsCallLimits> = {}) =>
  createAwsClient(SecretsManagerClient, 'Secrets Manager', {
    ...TEST_CLIENT,
    endpoint,
    ...limits,
  });

const getSecret = () => new GetSecretValueCommand({ SecretId: 'signing-key' });

/** Run `act`, returning how it settled and how long it took. */
const timed = async (act: () => Promise<unknown>) => {
  const started = performance.now();
  const outcome = await act().then(
    (value) => ({ value, error: undefined }),
    (error: unknown) => ({ value: undefined, error: error as Error }),
  );
  return { ...outcome, elapsedMs: performance.now() - started };
};

afterEach(async () => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
  closeServers();
});

describe('createAwsClient', () => {
  it('ends a call to a stalled endpoint after its attempts time out', async () => {
    // Prepare
    const server = await stallingServer();
    const limits = { connectionTimeoutMs: 1_000, requestTimeoutMs: 300, maxAttempts: 2 };
    const client = secretsClient(server.url, limits);

    // Act
    const { error, elapsedMs } = await timed(() => client.send(getSecret()));

    // Assess
    expect(error?.name).toBe('TimeoutError');
    expect(server.requests).toHaveLength(2);
    expect(elapsedMs).toBeGreaterThanOrEqual(2 * 300 - 50);
    expect(elapsedMs).toBeLessThan(2 * worstCaseCallMs(limits));
  });

  it('bounds every client by default, with timeouts that throw', async () => {
    // Prepare
    const server = await startServer((_, response) => answerSecret(response));
    const client = createAwsClient(SecretsManagerClient, 'Secrets Manager', {
      ...TEST_CLIENT,
      endpoint: server.url,
    });
    await client.send(getSecret()); // the handler resolves its settings on first use

    // Act
    const handler = client.config.requestHandler as unknown as { httpHandlerConfigs(): object };
    const settings = handler.httpHandlerConfigs();

    // Assess
    expect(settings).toMatchObject({
      connectionTimeout: DEFAULT_AWS_CALL_LIMITS.connectionTimeoutMs,
      requestTimeout: DEFAULT_AWS_CALL_LIMITS.requestTimeoutMs,
      socketTimeout: DEFAULT_AWS_CALL_LIMITS.requestTimeoutMs,
      throwOnRequestTimeout: true,
    });
    expect(await client.config.maxAttempts()).toBe(DEFAULT_AWS_CALL_LIMITS.maxAttempts);
  });

  it('answers normally when the endpoint answers in time', async () => {
    // Prepare
    const server = await startServer((_, response) => answerSecret(response));
    const client = secretsClient(server.url, { requestTimeoutMs: 2_000 });

    // Act
    const output = await runWithDeadline(Date.now() + 10_000, () => client.send(getSecret()));

    // Assess
    expect(output.SecretString).toBe('s3cr3t');
    expect(output.$metadata.attempts).toBe(1);
  });

  it('would have waited for a late answer without throwOnRequestTimeout (the old setup)', async () => {
    // Prepare: answers after 1.5 s; the old client said 200 ms
    const server = await startServer((_, response) => {
      setTimeout(() => answerSecret(response), 1_500);
    });
    const warn = vi.fn();
    const old = new SecretsManagerClient({
      ...TEST_CLIENT,
      endpoint: server.url,
      maxAttempts: 1,
      requestHandler: { requestTimeout: 200, logger: { ...console, warn } },
    });
    const bounded = secretsClient(server.url, { requestTimeoutMs: 200, maxAttempts: 1 });

    // Act
    const before = await timed(() => old.send(getSecret()));
    const after = await timed(() => bounded.send(getSecret()));

    // Assess
    expect(before.error).toBeUndefined();
    expect(before.elapsedMs).toBeGreaterThanOrEqual(1_400);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('throwOnRequestTimeout'));
    expect(after.error?.name).toBe('TimeoutError');
    expect(after.elapsedMs).toBeLessThan(1_400);
  });
});

describe('runWithDeadline', () => {
  it('cuts the retries short when the budget runs out', async () => {
    // Prepare: alone, this would take 5 attempts x 1 s
    const server = await stallingServer();
    const client = secretsClient(server.url, { requestTimeoutMs: 1_000, maxAttempts: 5 });

    // Act
    const { error, elapsedMs } = await timed(() =>
      runWithDeadline(Date.now() + 400, () => client.send(getSecret())),
    );

    // Assess
    expect(error).toBeInstanceOf(AwsDeadlineExceededError);
    expect((error?.cause as Error | undefined)?.name).toBe('AbortError');
    expect(server.requests).toHaveLength(1);
    expect(elapsedMs).toBeGreaterThanOrEqual(350);
    expect(elapsedMs).toBeLessThan(2 * 1_000);
  });

  it('cuts a throttling backoff short, and starts no attempt after the deadline', async () => {
    // Prepare: throttling backs off up to 1 s, 2 s, 4 s... between attempts
    const server = await startServer((_, response) => {
      response.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify({ __type: 'ThrottlingException', message: 'slow down' }));
    });
    const client = secretsClient(server.url, { requestTimeoutMs: 1_000, maxAttempts: 10 });
    vi.spyOn(Math, 'random').mockReturnValue(0.99);

    // Act
    const { error, elapsedMs } = await timed(() =>
      runWithDeadline(Date.now() + 500, () => client.send(getSecret())),
    );

    // Assess
    expect(error).toBeInstanceOf(AwsDeadlineExceededError);
    expect(server.requests).toHaveLength(1);
    expect(elapsedMs).toBeLessThan(2 * 500 + 500);
  });

  it("takes a budget beyond setTimeout's range as no deadline, not as one of 1 ms", async () => {
    // Prepare
    const server = await startServer((_, response) => {
      setTimeout(() => answerSecret(response), 50);
    });
    const client = secretsClient(server.url);

    // Act
    const output = await runWithDeadline(Date.now() + 40 * 24 * 3600 * 1000, () =>
      client.send(getSecret()),
    );

    // Assess
    expect(output.SecretString).toBe(SECRET.SecretString);
  });

  it('fails at once when no budget is left, without sending', async () => {
    // Prepare
    const server = await stallingServer();
    const client = secretsClient(server.url);

    // Act
    const { error } = await timed(() =>
      runWithDeadline(Date.now() - 1, () => client.send(getSecret())),
    );

    // Assess
    expect(error).toBeInstanceOf(AwsDeadlineExceededError);
    expect(server.requests).toHaveLength(0);
  });

  it('keeps the earlier of two nested deadlines', async () => {
    // Prepare
    const server = await stallingServer();
    const client = secretsClient(server.url, { requestTimeoutMs: 5_000, maxAttempts: 1 });

    // Act
    const { error, elapsedMs } = await timed(() =>
      runWithDeadline(Date.now() + 300, () =>
        runWithDeadline(Date.now() + 60_000, () => client.send(getSecret())),
      ),
    );

    // Assess
    expect(error).toBeInstanceOf(AwsDeadlineExceededError);
    expect(elapsedMs).toBeLessThan(2 * 300 + 500);
  });

  it('leaves calls made after the scope unbounded by it', async () => {
    // Prepare
    const server = await startServer((_, response) => answerSecret(response));
    const client = secretsClient(server.url);
    await runWithDeadline(Date.now() + 1_000, async () => 'done');

    // Act
    const output = await client.send(getSecret());

    // Assess
    expect(output.SecretString).toBe('s3cr3t');
  });
});

describe('withDeadline', () => {
  it('ends AWS calls the margin before the function would time out', async () => {
    // Prepare: 700 ms left, 300 ms margin -> a 400 ms budget
    const server = await stallingServer();
    const client = secretsClient(server.url, { requestTimeoutMs: 5_000, maxAttempts: 3 });
    const handler = withDeadline(
      async (_event: unknown, _context: { getRemainingTimeInMillis(): number }) =>
        client.send(getSecret()).then(
          () => 'answered',
          (error: Error) => error.name,
        ),
      { marginMs: 300 },
    );

    // Act
    const { value, elapsedMs } = await timed(() =>
      handler({}, { getRemainingTimeInMillis: () => 700 }),
    );

    // Assess
    expect(value).toBe('AwsDeadlineExceededError');
    expect(elapsedMs).toBeGreaterThanOrEqual(350);
    expect(elapsedMs).toBeLessThan(1_500);
  });

  it('sets no deadline when the context has no remaining time', async () => {
    // Prepare
    const server = await startServer((_, response) => answerSecret(response));
    const client = secretsClient(server.url);
    const handler = withDeadline(
      async (_event: unknown, _context: object) => client.send(getSecret()),
      {
        marginMs: 60_000,
      },
    );

    // Act
    const output = await handler({}, {});

    // Assess
    expect(output.SecretString).toBe('s3cr3t');
  });
});

describe('endpoint overrides', () => {
  it('are resolved by the SDK itself, the service-specific variable first', async () => {
    // Prepare
    const global = await startServer((_, response) => answerSecret(response));
    const specific = await startServer((_, response) => answerSecret(response));
    vi.stubEnv('AWS_ENDPOINT_URL', global.url);
    vi.stubEnv('AWS_ENDPOINT_URL_SECRETS_MANAGER', specific.url);
    vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', '');

    // Act
    await createAwsClient(SecretsManagerClient, 'Secrets Manager', TEST_CLIENT).send(getSecret());

    // Assess
    expect(specific.requests).toHaveLength(1);
    expect(global.requests).toHaveLength(0);
    expect(specific.requests[0]?.headers['x-amz-target']).toBe('secretsmanager.GetSecretValue');
  });

  it('reach S3 through the global variable, path-style', async () => {
    // Prepare
    const server = await startServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      response.end('bytes');
    });
    vi.stubEnv('AWS_ENDPOINT_URL', server.url);
    vi.stubEnv('AWS_ENDPOINT_URL_S3', '');
    vi.stubEnv('AWS_IGNORE_CONFIGURED_ENDPOINT_URLS', '');
    const s3 = createAwsClient(S3Client, 'S3', TEST_CLIENT);

    // Act
    const output = await s3.send(new GetObjectCommand({ Bucket: 'uploads', Key: 'a/b.jpg' }));

    // Assess
    expect(await output.Body?.transformToString()).toBe('bytes');
    expect(server.requests[0]?.url).toMatch(/^\/uploads\/a\/b\.jpg/);
    expect(s3.config.forcePathStyle).toBe(true);
  });

  it('turn on path-style addressing for S3 behind an override only', () => {
    // Act
    const overridden = createAwsClient(S3Client, 'S3', TEST_CLIENT, {
      AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
    });
    const ignored = createAwsClient(S3Client, 'S3', TEST_CLIENT, {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:9000',
      AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
    });
    const plain = createAwsClient(S3Client, 'S3', TEST_CLIENT, {});

    // Assess
    expect(overridden.config.forcePathStyle).toBe(true);
    expect(ignored.config.forcePathStyle).toBe(false);
    expect(plain.config.forcePathStyle).toBe(false);
  });

  it('let explicit settings win over derived ones', async () => {
    // Prepare
    const server = await startServer((_, response) => answerSecret(response));
    vi.stubEnv('AWS_ENDPOINT_URL', 'http://127.0.0.1:1');

    // Act
    await secretsClient(server.url).send(getSecret());

    // Assess
    expect(server.requests).toHaveLength(1);
  });
});

describe('worstCaseCallMs', () => {
  it('adds every attempt and the longest backoff between them', () => {
    expect(
      worstCaseCallMs({ connectionTimeoutMs: 500, requestTimeoutMs: 2_000, maxAttempts: 3 }),
    ).toBe(9_000);
    expect(
      worstCaseCallMs({ connectionTimeoutMs: 500, requestTimeoutMs: 1_000, maxAttempts: 1 }),
    ).toBe(1_000);
  });
});

import { readFileSync } from 'node:fs';
import { AwsDeadlineExceededError } from '@shop/common/aws';
import { createLogger } from '@shop/common/logger';
import { MAX_UPLOAD_KEY_BYTES } from '@shop/contracts/mediaKeys';
import { lambdaContext } from '@shop/testing/lambda';
import { loadOpenApi, type Schema } from '@shop/testing/openapi';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { MEDIA_RESPONSES, OPENAPI_PATH, renderOpenApi } from '../../scripts/generateOpenApi.js';
import { createMediaApiHandler, type MediaApiEvent } from '../../src/app/createMediaApiHandler.js';
import { type LiveMediaItem, productSortKey } from '../../src/domain/MediaItem.js';
import { FakeCatalog } from '../support/fakes.js';

const context = {
  ...lambdaContext({ functionName: 'shop-MediaApiFunction' }),
  awsRequestId: 'req-1',
};
const NOW_MS = Date.UTC(2026, 2, 14, 12, 0, 0);
const caller = { customerId: 'cus_1', email: 'ann@example.com', expiresAt: NOW_MS / 1000 + 600 };

const item = (
  name: string,
  lastModified: string,
  extra: Partial<LiveMediaItem> = {},
  productId = 'prod-1',
) =>
  ({
    key: `uploads/${productId}/${name}`,
    bucket: 'uploads',
    productId,
    name,
    sequencer: '0A',
    status: 'ready',
    size: 10,
    eTag: 'etag',
    metadata: { alt: name },
    lastModified,
    productSort: productSortKey(lastModified, `uploads/${productId}/${name}`),
    thumbnails: [{ key: `${productId}/${name}/128.webp`, width: 128, height: 96, bytes: 900 }],
    thumbnailsBucket: 'thumbs',
    processedAt: lastModified,
    outcomeSequencer: '1A',
    updatedAt: lastModified,
    ...extra,
  }) as LiveMediaItem;

const event = (
  productId: string | undefined,
  query: Record<string, string> = {},
  authorizer: unknown = { lambda: caller },
) =>
  ({
    routeKey: 'GET /products/{productId}/media',
    rawPath: `/products/${productId}/media`,
    pathParameters: productId === undefined ? {} : { productId },
    queryStringParameters: query,
    headers: {},
    requestContext: { authorizer },
  }) as unknown as MediaApiEvent;

const harness = (items: LiveMediaItem[] = []) => {
  const catalog = new FakeCatalog();
  for (const media of items) catalog.items.set(media.key, media);
  const logger = createLogger('indexer');
  const error = vi.spyOn(logger, 'error').mockImplementation(() => undefined);
  const handler = createMediaApiHandler({ catalog, logger, now: () => NOW_MS });
  return { catalog, handler, errors: error.mock.calls };
};
const body = (response: { body?: string }) => JSON.parse(response.body ?? '{}');

describe('GET /products/{productId}/media', () => {
  it('lists a product media newest first, with status and the thumbnails that exist', async () => {
    // Prepare
    const { handler } = harness([
      item('a.jpg', '2026-03-14T09:00:00.000Z'),
      item('b.txt', '2026-03-14T10:00:00.000Z', {
        status: 'skipped',
        reason: 'not-an-image',
        thumbnails: [],
      }),
    ]);

    // Act
    const response = await handler(event('prod-1'), context);

    // Assess
    expect(response.statusCode).toBe(200);
    const page = body(response);
    expect(page.items.map((media: { name: string }) => media.name)).toEqual(['b.txt', 'a.jpg']);
    expect(page.items[0]).toMatchObject({
      status: 'skipped',
      reason: 'not-an-image',
      thumbnails: [],
    });
    expect(page.items[1]).toMatchObject({
      status: 'ready',
      thumbnails: [{ key: 'prod-1/a.jpg/128.webp', width: 128, height: 96, bytes: 900 }],
    });
    expect(page.items[1]).not.toHaveProperty('outcomeSequencer');
    expect(page.nextCursor).toBeNull();
  });

  it('pages through every item exactly once with limit and cursor', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (count, limit) => {
          // Prepare
          const items = Array.from({ length: count }, (_, index) =>
            item(`n${index}.jpg`, `2026-03-14T09:00:${String(index).padStart(2, '0')}.000Z`),
          );
          const { handler } = harness(items);

          // Act
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const query: Record<string, string> = { limit: String(limit) };
            if (cursor !== null) query.cursor = cursor;
            const page = body(await handler(event('prod-1', query), context));
            seen.push(...page.items.map((media: { name: string }) => media.name));
            cursor = page.nextCursor;
          } while (cursor !== null);

          // Assess
          expect(seen).toEqual(items.map((media) => media.name).reverse());
        },
      ),
      { numRuns: 40 },
    );
  });

  // The longest keys there are (MAX_UPLOAD_KEY_BYTES), with characters JSON escapes (quote,
  // backslash, control characters: up to 6 bytes each) and non-ASCII ones (up to 4 bytes).
  const longestName = (productId: string, index: number, fill: string) => {
    const fits = (name: string) =>
      Buffer.byteLength(`uploads/${productId}/${name}`) <= MAX_UPLOAD_KEY_BYTES;
    let name = `${index}-`;
    while (fits(`${name}${fill}`)) name += fill;
    while (fits(`${name}a`)) name += 'a';
    return name;
  };
  const cursorMaxLength = () => {
    const api = loadOpenApi(OPENAPI_PATH).document as {
      paths: Record<string, { get: { parameters: Array<{ name: string; schema: Schema }> } }>;
    };
    const parameters = api.paths['/products/{productId}/media']?.get.parameters ?? [];
    return parameters.find(({ name }) => name === 'cursor')?.schema.maxLength as number;
  };

  it.each([
    ['a short product id, JSON-escaped characters', 'p', '"\\\u0001\n'],
    ['a short product id, 2- to 4-byte characters', 'p', 'é商😀'],
    ['the longest product id, mixed characters', 'P'.repeat(64), 'é"\u001f商😀\\'],
  ])(
    'follows every nextCursor through items with the longest keys (%s)',
    async (_case, productId, fill) => {
      // Prepare: equal times too, so the key part of the position decides.
      const items = Array.from({ length: 5 }, (_, index) =>
        item(
          longestName(productId, index, fill),
          `2026-03-14T09:00:0${Math.min(index, 3)}.999Z`,
          {},
          productId,
        ),
      );
      expect(items.map((media) => Buffer.byteLength(media.key))).toEqual(
        Array(5).fill(MAX_UPLOAD_KEY_BYTES),
      );
      const { handler } = harness(items);
      const maxLength = cursorMaxLength();

      // Act
      const seen: string[] = [];
      const cursors: string[] = [];
      let cursor: string | null = null;
      do {
        const query: Record<string, string> = { limit: '1' };
        if (cursor !== null) query.cursor = cursor;
        const response = await handler(event(productId, query), context);
        expect(response.statusCode).toBe(200);
        const page = body(response);
        seen.push(...page.items.map((media: { key: string }) => media.key));
        cursor = page.nextCursor;
        if (cursor !== null) cursors.push(cursor);
      } while (cursor !== null);

      // Assess: every item once, newest first; every cursor within what openapi.yaml allows.
      const newestFirst = [...items].sort((a, b) => (a.productSort < b.productSort ? 1 : -1));
      expect(seen).toEqual(newestFirst.map((media) => media.key));
      expect(cursors).toHaveLength(4);
      for (const issued of cursors) expect(issued.length).toBeLessThanOrEqual(maxLength);
    },
  );

  it('issues for the longest key and time a cursor exactly as long as openapi.yaml allows', async () => {
    // Prepare: the latest time `Date#toISOString` writes in 24 characters, the longest keys.
    const { handler } = harness(
      ['a', 'b'].map((first) => item(longestName('prod-1', 0, first), '9999-12-31T23:59:59.999Z')),
    );

    // Act
    const page = body(await handler(event('prod-1', { limit: '1' }), context));

    // Assess
    expect(page.nextCursor).toHaveLength(cursorMaxLength());
  });

  it('still takes a cursor of the previous version (JSON of the position) during a deployment', async () => {
    // Prepare
    const items = ['a.jpg', 'b.jpg', 'c.jpg'].map((name, index) =>
      item(name, `2026-03-14T09:00:0${index}.000Z`),
    );
    const { handler } = harness(items);
    const last = items[2] as LiveMediaItem;
    const legacy = Buffer.from(
      JSON.stringify({ key: last.key, productId: 'prod-1', productSort: last.productSort }),
    ).toString('base64url');

    // Act
    const page = body(await handler(event('prod-1', { limit: '5', cursor: legacy }), context));

    // Assess
    expect(page.items.map((media: { name: string }) => media.name)).toEqual(['b.jpg', 'a.jpg']);
  });

  const cursorOf = (productSort: string) => Buffer.from(productSort).toString('base64url');
  it.each<[string, string]>([
    ['a key of another product', cursorOf('2026-01-02T03:04:05.000Z#uploads/other/a.jpg')],
    ['a time without milliseconds', cursorOf('2026-01-02T03:04:05Z#uploads/prod-1/a.jpg')],
    ['no time', cursorOf('#uploads/prod-1/a.jpg')],
    ['no separator', cursorOf('2026-01-02T03:04:05.000Z')],
    ['a key that is not an upload key', cursorOf('2026-01-02T03:04:05.000Z#uploads/prod-1/')],
    ['standard base64 padding', `${cursorOf('2026-01-02T03:04:05.000Z#uploads/prod-1/a')}=`],
    ['bytes that are not UTF-8', Buffer.from([0xff, 0xfe, 0x23]).toString('base64url')],
    [
      'a length over the longest cursor issued',
      cursorOf(`2026-01-02T03:04:05.000Z#uploads/prod-1/${'x'.repeat(1100)}`),
    ],
  ])('answers 400 for a cursor with %s', async (_case, cursor) => {
    const { handler, catalog } = harness();
    const listed = vi.spyOn(catalog, 'listByProduct');

    const response = await handler(event('prod-1', { cursor }), context);

    expect(response.statusCode).toBe(400);
    expect(body(response).error.details).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expect(listed).not.toHaveBeenCalled();
  });

  it.each<[string, string, Record<string, string>]>([
    ['a bad product id', 'prod/1', {}],
    ['a limit over the maximum', 'prod-1', { limit: '101' }],
    [
      'a cursor of another product',
      'prod-1',
      {
        cursor: Buffer.from(
          JSON.stringify({ key: 'k', productId: 'other', productSort: 's' }),
        ).toString('base64url'),
      },
    ],
    ['a cursor that is not one', 'prod-1', { cursor: 'not-a-cursor' }],
    ...(
      [
        ['an empty key', { key: '', productSort: '2026-01-02T03:04:05.000Z#' }],
        ['an empty sort key', { key: 'uploads/prod-1/a.jpg', productSort: '' }],
        [
          'a key of another product',
          {
            key: 'uploads/other/a.jpg',
            productSort: '2026-01-02T03:04:05.000Z#uploads/other/a.jpg',
          },
        ],
        [
          'a sort key of another key',
          {
            key: 'uploads/prod-1/a.jpg',
            productSort: '2026-01-02T03:04:05.000Z#uploads/prod-1/b.jpg',
          },
        ],
        [
          'a sort key without a time',
          { key: 'uploads/prod-1/a.jpg', productSort: `${'x'.repeat(1100)}#uploads/prod-1/a.jpg` },
        ],
      ] as const
    ).map(([what, position]): [string, string, Record<string, string>] => [
      `a cursor with ${what}`,
      'prod-1',
      {
        cursor: Buffer.from(JSON.stringify({ ...position, productId: 'prod-1' })).toString(
          'base64url',
        ),
      },
    ]),
  ])('answers 400 for %s', async (_case, productId, query) => {
    const { handler } = harness();

    const response = await handler(event(productId, query), context);

    expect(response.statusCode).toBe(400);
    expect(body(response).error).toMatchObject({ code: 'BAD_REQUEST', requestId: 'req-1' });
  });

  it.each([
    ['101', 'Too big: expected number to be <=100'],
    ['0', 'Too small: expected number to be >=1'],
    ['1.5', 'Invalid input: expected int, received number'],
    ['ten', 'Invalid input: expected number, received NaN'],
  ])('names the field and the rule in the 400 for limit=%s', async (limit, message) => {
    const { handler } = harness();

    const response = await handler(event('prod-1', { limit }), context);

    expect(body(response).error.details).toEqual([{ field: 'limit', message }]);
  });

  it('answers 401 without a caller in the authorizer context', async () => {
    const { handler } = harness();

    const response = await handler(event('prod-1', {}, null), context);

    expect(response.statusCode).toBe(401);
    expect(body(response).error.message).toBe('A bearer token is required');
    expect(response.headers?.['www-authenticate']).toBe('Bearer realm="orders-api"');
  });

  it('answers 401 when the token expired while the gateway kept its authorization cached', async () => {
    const { handler, catalog } = harness([item('a.jpg', '2026-03-14T09:00:00.000Z')]);
    const listed = vi.spyOn(catalog, 'listByProduct');
    const expired = { ...caller, expiresAt: NOW_MS / 1000 - 31 };

    const response = await handler(event('prod-1', {}, { lambda: expired }), context);

    expect(response.statusCode).toBe(401);
    expect(body(response).error.message).toBe('The bearer token has expired');
    expect(response.headers?.['www-authenticate']).toBe(
      'Bearer realm="orders-api", error="invalid_token"',
    );
    expect(listed).not.toHaveBeenCalled();
  });

  it('answers 503 with Retry-After when the catalog call runs out of time', async () => {
    const { handler, catalog } = harness();
    catalog.listByProduct = async () => {
      throw new AwsDeadlineExceededError('the time budget for AWS calls (0 ms) ran out');
    };

    const response = await handler(event('prod-1'), context);

    expect(response.statusCode).toBe(503);
    expect(response.headers?.['retry-after']).toBe('1');
    expect(body(response).error.code).toBe('SERVICE_UNAVAILABLE');
  });

  it('answers a generic 500 when the catalog fails', async () => {
    const { handler, catalog, errors } = harness();
    catalog.listByProduct = async () => {
      throw new Error('table MediaTable unavailable');
    };

    const response = await handler(event('prod-1'), context);

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('MediaTable');
    expect(errors).toHaveLength(1);
  });
});

describe('openapi.yaml', () => {
  it('is what scripts/generateOpenApi.ts writes from the zod schemas', () => {
    expect(readFileSync(OPENAPI_PATH, 'utf8')).toBe(renderOpenApi());
  });

  // One scenario per status the function itself answers; 403 is API Gateway's alone.
  const SCENARIOS: Record<string, () => Promise<{ statusCode: number; body?: string }>> = {
    '200': () =>
      harness([item('a.jpg', '2026-03-14T09:00:00.000Z')]).handler(event('prod-1'), context),
    '400': () => harness().handler(event('prod-1', { limit: '0' }), context),
    '401': () => harness().handler(event('prod-1', {}, {}), context),
    '500': () => {
      const { handler, catalog } = harness();
      catalog.listByProduct = async () => {
        throw new Error('down');
      };
      return handler(event('prod-1'), context);
    },
    '503': () => {
      const { handler, catalog } = harness();
      catalog.listByProduct = async () => {
        throw new AwsDeadlineExceededError('the time budget for AWS calls (0 ms) ran out');
      };
      return handler(event('prod-1'), context);
    },
  };

  it('documents exactly the statuses the route answers', () => {
    expect(Object.keys(MEDIA_RESPONSES).filter((status) => status !== '403')).toEqual(
      Object.keys(SCENARIOS),
    );
  });

  it.each(Object.keys(SCENARIOS))('answers %s with the documented schema', async (status) => {
    // Prepare
    const api = loadOpenApi(OPENAPI_PATH);
    const operation = api.document.paths as Record<string, { get: { responses: Schema } }>;
    const documented = api.resolve(
      operation['/products/{productId}/media']?.get.responses[status] as Schema,
    ) as { content: { 'application/json': { schema: Schema } } };

    // Act
    const response = await (
      SCENARIOS[status] as () => Promise<{ statusCode: number; body?: string }>
    )();

    // Assess
    expect(String(response.statusCode)).toBe(status);
    expect(api.check(documented.content['application/json'].schema, body(response))).toEqual([]);
  });

  it.each(Object.keys(SCENARIOS))('answers %s with the headers it documents', async (status) => {
    // Prepare
    const api = loadOpenApi(OPENAPI_PATH);
    const operation = api.document.paths as Record<string, { get: { responses: Schema } }>;
    const documented = api.resolve(
      operation['/products/{productId}/media']?.get.responses[status] as Schema,
    ) as { headers?: Record<string, Schema> };

    // Act
    const response = (await (
      SCENARIOS[status] as () => Promise<{ headers?: Record<string, string> }>
    )()) as { headers?: Record<string, string> };

    // Assess
    for (const name of Object.keys(documented.headers ?? {})) {
      expect(response.headers?.[name.toLowerCase()], name).toEqual(expect.any(String));
    }
  });

  it('documents the WWW-Authenticate challenge of a 401', () => {
    const api = loadOpenApi(OPENAPI_PATH);
    const operation = api.document.paths as Record<string, { get: { responses: Schema } }>;
    const unauthorized = api.resolve(
      operation['/products/{productId}/media']?.get.responses['401'] as Schema,
    ) as { headers?: Record<string, Schema> };
    expect(Object.keys(unauthorized.headers ?? {})).toEqual(['WWW-Authenticate']);
  });
});

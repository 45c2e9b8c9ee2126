import { describe, expect, it } from 'vitest';
import { loadApiConfig, loadAuthorizerConfig, loadPublisherConfig } from '../../src/config.js';

describe('config', () => {
  it('reads and types the API settings, with a default key cache time', () => {
    // Act
    const config = loadApiConfig({
      ORDERS_TABLE_NAME: 'orders',
      IDEMPOTENCY_TABLE_NAME: 'orders-idempotency',
      CURSOR_SECRET_ID: 'cursor-key',
    });

    // Assess
    expect(config).toEqual({
      ordersTableName: 'orders',
      idempotencyTableName: 'orders-idempotency',
      cursorSecretId: 'cursor-key',
      cursorKeyCacheSeconds: 300,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('needs the cursor secret for the API, not the token signing secret', () => {
    // Act / Assess
    expect(() =>
      loadApiConfig({
        ORDERS_TABLE_NAME: 'orders',
        IDEMPOTENCY_TABLE_NAME: 'orders-idempotency',
        SIGNING_SECRET_ID: 'signing-key',
        CURSOR_KEY_CACHE_SECONDS: '-1',
      }),
    ).toThrow(/CURSOR_SECRET_ID.*CURSOR_KEY_CACHE_SECONDS/);
  });

  it('names every missing or malformed authorizer variable at once', () => {
    // Act / Assess
    expect(() => loadAuthorizerConfig({ SIGNING_KEY_CACHE_SECONDS: 'soon' })).toThrow(
      /SIGNING_SECRET_ID.*JWT_ISSUER.*JWT_AUDIENCE.*SIGNING_KEY_CACHE_SECONDS/,
    );
  });

  it('accepts local SQS URLs for the publisher and names a malformed one', () => {
    expect(
      loadPublisherConfig({
        ORDER_EVENTS_QUEUE_URL: 'http://sqs.us-east-1.127.0.0.1:4566/000000000000/events.fifo',
        PUBLISHER_DEAD_LETTER_QUEUE_URL: 'http://127.0.0.1:4566/000000000000/publisher-dlq',
      }).orderEventsQueueUrl,
    ).toMatch(/events\.fifo$/);
    expect(() =>
      loadPublisherConfig({ ORDER_EVENTS_QUEUE_URL: 'queue', PUBLISHER_DEAD_LETTER_QUEUE_URL: '' }),
    ).toThrow(/ORDER_EVENTS_QUEUE_URL.*PUBLISHER_DEAD_LETTER_QUEUE_URL/);
  });

  it('reads the authorizer settings into camelCase fields', () => {
    // Act
    const config = loadAuthorizerConfig({
      SIGNING_SECRET_ID: 'signing-key',
      JWT_ISSUER: 'shop-auth',
      JWT_AUDIENCE: 'shop-orders-api',
      SIGNING_KEY_CACHE_SECONDS: '60',
    });

    // Assess
    expect(config).toEqual({
      signingSecretId: 'signing-key',
      signingKeyCacheSeconds: 60,
      jwtIssuer: 'shop-auth',
      jwtAudience: 'shop-orders-api',
    });
    expect(Object.isFrozen(config)).toBe(true);
  });
});

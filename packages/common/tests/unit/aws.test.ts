import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import { awsClientConfig, createAwsClient, endpointFor } from '../../src/aws.js';

describe('endpointFor', () => {
  it('prefers the service-specific variable over the global one', () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:5055',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: 'http://127.0.0.1:6000',
    };
    expect(endpointFor('Secrets Manager', env)).toBe('http://127.0.0.1:6000');
    expect(endpointFor('DynamoDB', env)).toBe('http://127.0.0.1:5055');
  });

  it('returns nothing without overrides, or when they are ignored', () => {
    expect(endpointFor('SQS', {})).toBeUndefined();
    expect(
      endpointFor('SQS', {
        AWS_ENDPOINT_URL: 'http://x',
        AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true',
      }),
    ).toBeUndefined();
  });
});

describe('awsClientConfig', () => {
  it('turns on path-style addressing for S3 behind an override only', () => {
    expect(awsClientConfig('S3', { AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000' })).toEqual({
      endpoint: 'http://127.0.0.1:9000',
      forcePathStyle: true,
    });
    expect(awsClientConfig('S3', {})).toEqual({});
    expect(awsClientConfig('SQS', { AWS_ENDPOINT_URL: 'http://h:1' })).toEqual({
      endpoint: 'http://h:1',
    });
  });
});

describe('createAwsClient', () => {
  it('builds a client whose resolved endpoint is the override', async () => {
    // Act
    const client = createAwsClient(
      S3Client,
      'S3',
      { region: 'eu-west-1' },
      {
        AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9000',
      },
    );

    // Assess
    expect(client.config.forcePathStyle).toBe(true);
    const endpoint = await client.config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(9000);
  });

  it('lets explicit settings win over derived ones', async () => {
    const client = createAwsClient(
      SecretsManagerClient,
      'Secrets Manager',
      { region: 'eu-west-1', endpoint: 'http://127.0.0.2:1' },
      { AWS_ENDPOINT_URL: 'http://127.0.0.1:5055' },
    );
    expect((await client.config.endpoint?.())?.hostname).toBe('127.0.0.2');
  });
});

import { type Environment, processEnvironment } from './config.js';

/**
 * The endpoint override for one AWS service, following the SDKs' standard variables:
 * `AWS_ENDPOINT_URL_<SERVICE_ID>` (service id upper-cased, spaces as `_`, e.g.
 * `AWS_ENDPOINT_URL_SECRETS_MANAGER`) wins over the global `AWS_ENDPOINT_URL`.
 * `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` turns both off.
 *
 * @example
 * endpointFor('DynamoDB', { AWS_ENDPOINT_URL: 'http://127.0.0.1:5055' });
 * // 'http://127.0.0.1:5055'
 */
export const endpointFor = (
  serviceId: string,
  env: Environment = processEnvironment(),
): string | undefined => {
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === 'true') return undefined;
  const specific = env[`AWS_ENDPOINT_URL_${serviceId.toUpperCase().replace(/[\s-]+/g, '_')}`];
  return specific || env.AWS_ENDPOINT_URL || undefined;
};

/** The client settings {@link awsClientConfig} derives from the environment. */
export interface AwsClientOverrides {
  endpoint?: string;
  forcePathStyle?: boolean;
}

/**
 * SDK v3 client settings for a service: the endpoint override if one is set and, for S3 behind
 * an override, path-style addressing (local backends do not serve `bucket.host` names).
 *
 * @example
 * new S3Client({ ...awsClientConfig('S3'), region: 'eu-west-1' });
 */
export const awsClientConfig = (
  serviceId: string,
  env: Environment = processEnvironment(),
): AwsClientOverrides => {
  const endpoint = endpointFor(serviceId, env);
  if (endpoint === undefined) return {};
  return serviceId === 'S3' ? { endpoint, forcePathStyle: true } : { endpoint };
};

/**
 * Construct an SDK v3 client honouring the endpoint variables. Create clients once, at module
 * scope, so warm invocations reuse their connections.
 *
 * @example
 * const dynamodb = createAwsClient(DynamoDBClient, 'DynamoDB');
 * const s3 = createAwsClient(S3Client, 'S3', { maxAttempts: 5 });
 */
export const createAwsClient = <Client, Config extends object>(
  ClientClass: new (config: Config) => Client,
  serviceId: string,
  config: Config = {} as Config,
  env: Environment = processEnvironment(),
): Client => new ClientClass({ ...awsClientConfig(serviceId, env), ...config });

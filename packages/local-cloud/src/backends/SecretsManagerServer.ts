import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// No Secrets Manager emulator is published on npm, so this serves the handful of JSON-protocol
// operations the project and its tests use, with AWS's version-stage semantics: a new value
// becomes AWSCURRENT and the old AWSCURRENT becomes AWSPREVIOUS; a ClientRequestToken names
// the version, so a retried call with the same token and value changes nothing.

interface SecretVersion {
  versionId: string;
  secretString: string;
  stages: Set<string>;
  createdDate: number;
}

interface Secret {
  arn: string;
  name: string;
  description?: string;
  versions: Map<string, SecretVersion>;
  createdDate: number;
}

class ServiceError extends Error {
  readonly type: string;

  constructor(type: string, message: string) {
    super(message);
    this.name = type;
    this.type = type;
  }
}

const readBody = async (request: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new ServiceError('InvalidRequestException', 'Request body is not valid JSON');
  }
};

const str = (input: Record<string, unknown>, field: string): string | undefined => {
  const value = input[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new ServiceError('InvalidParameterException', `${field} must be a string`);
  }
  return value;
};

/** Versions Secrets Manager keeps of a secret before it drops deprecated (unlabelled) ones. */
const MAX_VERSIONS = 100;

const PASSWORD_ALPHABET =
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&()*+,-.:;<=>?@[]^_{|}~';

/** A random password as Secrets Manager's GetRandomPassword would make one. */
export const randomPassword = (length = 32, exclude = ''): string => {
  const alphabet = [...PASSWORD_ALPHABET].filter((c) => !exclude.includes(c));
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
};

/** In-memory Secrets Manager (JSON 1.1 protocol) on a loopback port. */
export class SecretsManagerServer {
  private readonly secrets = new Map<string, Secret>();
  private server: Server | undefined;
  private readonly region: string;
  private readonly accountId: string;

  constructor(region = 'us-east-1', accountId = '000000000000') {
    this.region = region;
    this.accountId = accountId;
  }

  async start(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((request, response) => void this.handle(request, response));
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen(port, host, resolve);
    });
    const { port: bound } = this.server.address() as AddressInfo;
    return `http://${host}:${bound}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse) {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('secretsmanager.') ? target.slice(15) : '';
    try {
      const input = await readBody(request);
      const output = this.dispatch(operation, input);
      response.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(output));
    } catch (error) {
      const type = error instanceof ServiceError ? error.type : 'InternalServiceError';
      const message = error instanceof Error ? error.message : String(error);
      response.writeHead(error instanceof ServiceError ? 400 : 500, {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-errortype': type,
      });
      response.end(JSON.stringify({ __type: type, message }));
    }
  }

  private dispatch(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'CreateSecret':
        return this.createSecret(input);
      case 'GetSecretValue':
        return this.getSecretValue(input);
      case 'PutSecretValue':
        return this.putSecretValue(input);
      case 'DescribeSecret':
        return this.describeSecret(input);
      case 'DeleteSecret':
        return this.deleteSecret(input);
      case 'GetRandomPassword':
        return {
          RandomPassword: randomPassword(
            Number(input.PasswordLength ?? 32),
            String(input.ExcludeCharacters ?? ''),
          ),
        };
      default:
        throw new ServiceError('UnknownOperationException', `Unsupported operation ${operation}`);
    }
  }

  private find(secretId: string | undefined): Secret {
    if (secretId === undefined) {
      throw new ServiceError('InvalidParameterException', 'SecretId is required');
    }
    const secret =
      this.secrets.get(secretId) ?? [...this.secrets.values()].find((s) => s.arn === secretId);
    if (secret === undefined) {
      throw new ServiceError(
        'ResourceNotFoundException',
        "Secrets Manager can't find the specified secret.",
      );
    }
    return secret;
  }

  /**
   * A new AWSCURRENT version (the old one becomes AWSPREVIOUS). A ClientRequestToken names the
   * version: sent again with the same value (a retried call) it changes nothing and answers
   * that version; with another value it is refused, as Secrets Manager refuses it.
   */
  private addVersion(secret: Secret, secretString: string, token?: string): SecretVersion {
    const existing = token === undefined ? undefined : secret.versions.get(token);
    if (existing !== undefined) {
      if (existing.secretString === secretString) return existing;
      throw new ServiceError(
        'ResourceExistsException',
        `You can't use ClientRequestToken ${token} because that value is already in use for a version of secret ${secret.arn}.`,
      );
    }
    for (const version of secret.versions.values()) {
      version.stages.delete('AWSPREVIOUS');
      if (version.stages.delete('AWSCURRENT')) version.stages.add('AWSPREVIOUS');
    }
    const version: SecretVersion = {
      versionId: token ?? randomUUID(),
      secretString,
      stages: new Set(['AWSCURRENT']),
      createdDate: Date.now() / 1000,
    };
    secret.versions.set(version.versionId, version);
    // Versions without a label are deprecated but kept (a retry with their token still finds
    // them); Secrets Manager drops the oldest of them past 100 versions.
    for (const [id, old] of secret.versions) {
      if (secret.versions.size <= MAX_VERSIONS) break;
      if (old.stages.size === 0) secret.versions.delete(id);
    }
    return version;
  }

  private createSecret(input: Record<string, unknown>) {
    const name = str(input, 'Name');
    if (name === undefined || !/^[\w/+=.@-]{1,512}$/.test(name)) {
      throw new ServiceError('InvalidParameterException', 'Name is missing or invalid');
    }
    const existing = this.secrets.get(name);
    if (existing !== undefined) {
      // A retried CreateSecret (the SDK sends a ClientRequestToken) with the same value
      // answers the secret it created; anything else is a second secret of that name.
      const token = str(input, 'ClientRequestToken');
      const value = str(input, 'SecretString');
      const version = token === undefined ? undefined : existing.versions.get(token);
      if (version !== undefined && value !== undefined) {
        this.addVersion(existing, value, token);
        return { ARN: existing.arn, Name: name, VersionId: version.versionId };
      }
      throw new ServiceError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const suffix = randomBytes(3).toString('hex');
    const secret: Secret = {
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${suffix}`,
      name,
      versions: new Map(),
      createdDate: Date.now() / 1000,
    };
    const description = str(input, 'Description');
    if (description !== undefined) secret.description = description;
    this.secrets.set(name, secret);
    const value = str(input, 'SecretString');
    if (value === undefined) return { ARN: secret.arn, Name: name };
    const version = this.addVersion(secret, value, str(input, 'ClientRequestToken'));
    return { ARN: secret.arn, Name: name, VersionId: version.versionId };
  }

  private getSecretValue(input: Record<string, unknown>) {
    const secret = this.find(str(input, 'SecretId'));
    const versionId = str(input, 'VersionId');
    const stage =
      str(input, 'VersionStage') ?? (versionId === undefined ? 'AWSCURRENT' : undefined);
    const version = [...secret.versions.values()].find(
      (v) =>
        (versionId === undefined || v.versionId === versionId) &&
        (stage === undefined || v.stages.has(stage)),
    );
    if (version === undefined) {
      throw new ServiceError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for staging label: ${stage ?? versionId}`,
      );
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      SecretString: version.secretString,
      VersionStages: [...version.stages],
      CreatedDate: version.createdDate,
    };
  }

  private putSecretValue(input: Record<string, unknown>) {
    const secret = this.find(str(input, 'SecretId'));
    const value = str(input, 'SecretString');
    if (value === undefined) {
      throw new ServiceError('InvalidParameterException', 'SecretString is required');
    }
    const version = this.addVersion(secret, value, str(input, 'ClientRequestToken'));
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      VersionStages: [...version.stages],
    };
  }

  private describeSecret(input: Record<string, unknown>) {
    const secret = this.find(str(input, 'SecretId'));
    return {
      ARN: secret.arn,
      Name: secret.name,
      Description: secret.description,
      CreatedDate: secret.createdDate,
      // Only versions with a label: the others are deprecated.
      VersionIdsToStages: Object.fromEntries(
        [...secret.versions.values()]
          .filter((v) => v.stages.size > 0)
          .map((v) => [v.versionId, [...v.stages]]),
      ),
    };
  }

  private deleteSecret(input: Record<string, unknown>) {
    const secret = this.find(str(input, 'SecretId'));
    this.secrets.delete(secret.name);
    return { ARN: secret.arn, Name: secret.name, DeletionDate: Date.now() / 1000 };
  }
}

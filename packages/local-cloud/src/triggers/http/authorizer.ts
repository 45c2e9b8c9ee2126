import { decodeJwt } from 'jose';
import type { InvokeResult } from '../../lambda/LambdaFunction.js';
import type { AuthorizerModel } from '../../provision/model.js';
import {
  type ApiInfo,
  gatewayResponse,
  type HttpResponse,
  queryParameters,
  type RequestParts,
} from './httpEvents.js';
import type { RouteMatch } from './routes.js';

/** Allowed (with what goes into `requestContext.authorizer`) or answered by the gateway. */
export type AuthorizerOutcome =
  | { allowed: true; context: Record<string, unknown> }
  | { allowed: false; response: HttpResponse };

type Invoke = (functionId: string, event: unknown) => Promise<InvokeResult>;

const UNAUTHORIZED = () => gatewayResponse(401, 'Unauthorized');
const FORBIDDEN = () => gatewayResponse(403, 'Forbidden');
const INTERNAL = () => gatewayResponse(500, 'Internal Server Error');

/** The value of one identity source (`$request.header.Authorization` ...), if present. */
export const identityValue = (source: string, parts: RequestParts): string | undefined => {
  const header = /^\$request\.header\.(.+)$/i.exec(source);
  if (header) return parts.headers[(header[1] as string).toLowerCase()] || undefined;
  const query = /^\$request\.querystring\.(.+)$/i.exec(source);
  if (query) return queryParameters(parts.rawQueryString)?.[query[1] as string] || undefined;
  const context = /^\$context\.(.+)$/.exec(source);
  if (context) {
    let value: unknown = parts.requestContext;
    // HTTP API names the caller's address `$context.identity.sourceIp`; payload 2.0 carries it
    // as requestContext.http.sourceIp.
    const path = context[1] === 'identity.sourceIp' ? 'http.sourceIp' : (context[1] as string);
    for (const key of path.split('.'))
      value = (value as Record<string, unknown> | undefined)?.[key];
    return value === undefined || value === '' ? undefined : String(value);
  }
  return undefined;
};

const wildcard = (pattern: string) =>
  new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );

/** Does an IAM policy document allow `execute-api:Invoke` on the route ARN? */
export const policyAllows = (policy: unknown, routeArn: string): boolean => {
  const statements = (policy as { Statement?: unknown })?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  let allowed = false;
  for (const statement of list as Array<Record<string, unknown>>) {
    const actions = [statement.Action].flat().map(String);
    const resources = [statement.Resource].flat().map(String);
    const actionMatches = actions.some((a) => wildcard(a).test('execute-api:Invoke'));
    const resourceMatches = resources.some((r) => wildcard(r).test(routeArn));
    if (!actionMatches || !resourceMatches) continue;
    if (statement.Effect === 'Deny') return false;
    if (statement.Effect === 'Allow') allowed = true;
  }
  return allowed;
};

interface CacheEntry {
  expiresAt: number;
  payload: unknown;
}

/**
 * Runs an HTTP API's authorizers as API Gateway does: missing identity sources answer 401
 * without invoking; a Lambda error "Unauthorized" is 401, any other failure 500; a simple
 * response's `isAuthorized: false` (or a policy without Allow) is 403. Results are cached
 * per identity source for the authorizer's TTL.
 */
/** Cached answers kept at most (a load test with a token per request must not grow the heap). */
export const MAX_CACHED_ANSWERS = 10_000;

export class Authorizers {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly invoke: Invoke;
  private readonly warn: (message: string) => void;

  constructor(invoke: Invoke, warn: (message: string) => void) {
    this.invoke = invoke;
    this.warn = warn;
  }

  /** Answers in the cache (expired ones go when looked up, or when the cache is full). */
  get cachedAnswers(): number {
    return this.cache.size;
  }

  private remember(key: string, expiresAt: number, payload: unknown) {
    this.cache.delete(key);
    if (this.cache.size >= MAX_CACHED_ANSWERS) {
      const now = Date.now();
      for (const [cachedKey, entry] of this.cache) {
        if (entry.expiresAt <= now) this.cache.delete(cachedKey);
      }
      // Still full: the oldest answers go first (a Map keeps insertion order).
      for (const cachedKey of this.cache.keys()) {
        if (this.cache.size < MAX_CACHED_ANSWERS) break;
        this.cache.delete(cachedKey);
      }
    }
    this.cache.set(key, { expiresAt, payload });
  }

  async authorize(
    auth: AuthorizerModel,
    api: ApiInfo,
    match: RouteMatch,
    parts: RequestParts,
  ): Promise<AuthorizerOutcome> {
    const values = auth.identitySource.map((source) => identityValue(source, parts));
    if (values.some((value) => value === undefined))
      return { allowed: false, response: UNAUTHORIZED() };
    if (auth.kind === 'jwt') return this.jwt(auth, values[0] as string);
    const http = parts.requestContext.http as { method: string };
    const routeArn = `arn:aws:execute-api:${api.region}:${api.accountId}:${api.apiId}/${api.stage}/${http.method}${parts.rawPath}`;
    const cacheKey = `${auth.name}\u0000${values.join('\u0000')}`;
    const cacheable = auth.resultTtlSeconds > 0 && values.length > 0;
    let payload: unknown;
    const cached = cacheable ? this.cache.get(cacheKey) : undefined;
    if (cached && cached.expiresAt <= Date.now()) this.cache.delete(cacheKey);
    if (cached && cached.expiresAt > Date.now()) {
      payload = cached.payload;
    } else {
      const event: Record<string, unknown> = {
        version: '2.0',
        type: 'REQUEST',
        routeArn,
        ...(values.length > 0 ? { identitySource: values } : {}),
        routeKey: match.route.routeKey,
        rawPath: parts.rawPath,
        rawQueryString: parts.rawQueryString,
        ...(parts.cookies.length > 0 ? { cookies: parts.cookies } : {}),
        headers: parts.headers,
        ...(queryParameters(parts.rawQueryString)
          ? { queryStringParameters: queryParameters(parts.rawQueryString) }
          : {}),
        requestContext: parts.requestContext,
        ...(Object.keys(match.pathParameters).length > 0
          ? { pathParameters: match.pathParameters }
          : {}),
      };
      const result = await this.invoke(auth.functionId as string, event);
      if (!result.ok) {
        return {
          allowed: false,
          response: result.error?.errorMessage === 'Unauthorized' ? UNAUTHORIZED() : INTERNAL(),
        };
      }
      try {
        payload = JSON.parse(result.payload ?? 'null');
      } catch {
        return { allowed: false, response: INTERNAL() };
      }
      if (cacheable) this.remember(cacheKey, Date.now() + auth.resultTtlSeconds * 1000, payload);
    }
    return this.evaluate(auth, payload, routeArn);
  }

  private evaluate(auth: AuthorizerModel, payload: unknown, routeArn: string): AuthorizerOutcome {
    const response = (payload ?? {}) as Record<string, unknown>;
    const context =
      typeof response.context === 'object' && response.context !== null
        ? (response.context as Record<string, unknown>)
        : {};
    if (auth.simpleResponses) {
      if (typeof response.isAuthorized !== 'boolean') {
        this.warn(`authorizer ${auth.name} returned no boolean isAuthorized: answering 500`);
        return { allowed: false, response: INTERNAL() };
      }
      return response.isAuthorized
        ? { allowed: true, context: { lambda: context } }
        : { allowed: false, response: FORBIDDEN() };
    }
    if (response.policyDocument === undefined) {
      this.warn(`authorizer ${auth.name} returned no policyDocument: answering 500`);
      return { allowed: false, response: INTERNAL() };
    }
    return policyAllows(response.policyDocument, routeArn)
      ? { allowed: true, context: { lambda: context, principalId: response.principalId } }
      : { allowed: false, response: FORBIDDEN() };
  }

  // JWT authorizers need the issuer's keys (JWKS over the internet): locally the claims are
  // read and iss/aud/exp checked, but the signature is not verified.
  private jwt(auth: AuthorizerModel, header: string): AuthorizerOutcome {
    const token = header.replace(/^Bearer\s+/i, '');
    try {
      const claims = decodeJwt(token);
      const now = Date.now() / 1000;
      const audiences = [claims.aud ?? []].flat();
      if (auth.jwt?.issuer && claims.iss !== auth.jwt.issuer) throw new Error('issuer');
      if (auth.jwt?.audience.length && !audiences.some((a) => auth.jwt?.audience.includes(a)))
        throw new Error('audience');
      if (claims.exp !== undefined && claims.exp < now) throw new Error('expired');
      const scopes = typeof claims.scope === 'string' ? claims.scope.split(' ') : [];
      return { allowed: true, context: { jwt: { claims, scopes } } };
    } catch {
      return { allowed: false, response: UNAUTHORIZED() };
    }
  }
}

import { UnauthorizedError } from '@shop/common/errors';
import * as z from '@shop/common/validation';

// What the HTTP API's Lambda authorizer (orders-api AuthorizerFunction) hands to every function
// behind it (`event.requestContext.authorizer.lambda`) for a request it authorized: the orders
// routes and the media API. A request without a valid token never gets that far (API Gateway
// answers 401/403 itself); each function still checks this shape once more (deny at the edge,
// check again inside).

/**
 * Customer ids come from the token's `sub`. No `#`, so composite keys (`CUSTOMER#<id>`,
 * `IDEMPOTENCY#<id>#<key>`) can never be ambiguous.
 */
export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@|-]{0,127}$/;

/**
 * Clock skew tolerated between the token's issuer, the authorizer and the functions behind it
 * (the authorizer verifies `exp` and `nbf` with it; the functions check `expiresAt` with it).
 */
export const TOKEN_CLOCK_TOLERANCE_SECONDS = 30;

/** The authorizer's context, validated where it arrives. */
export const authorizerContextSchema = z.object({
  customerId: z.string().check(z.regex(CUSTOMER_ID_PATTERN)),
  email: z.email(),
  /**
   * The token's `exp` (seconds since the epoch). API Gateway caches the authorizer's answer
   * (300 s per Authorization header), so a request can reach a function after the token that
   * was checked has expired: the function refuses it then. Optional only for answers cached by
   * an authorizer version that predates the field (at most one cache TTL after a deploy).
   */
  expiresAt: z.optional(z.int().check(z.positive())),
});

export type AuthorizerContext = z.infer<typeof authorizerContextSchema>;

/** The HTTP API request part that carries the authorizer's context. */
export interface AuthorizedRequest {
  requestContext: { authorizer?: { lambda?: unknown } };
}

/** The caller of a request, or why the function must refuse it (401). */
export type CallerCheck =
  | { ok: true; caller: AuthorizerContext }
  | { ok: false; reason: 'missing_token' | 'expired_token' };

/**
 * The caller of an authorized request. `missing_token` when the context is missing or
 * malformed (the gateway should never have let the request through); `expired_token` when the
 * token's `expiresAt` has passed (beyond the clock tolerance) although the gateway's cached
 * answer still allowed it. Either way the function answers 401.
 *
 * @example
 * const check = authorizedCaller(event, Date.now());
 * if (!check.ok) throw new UnauthorizedError('The bearer token is not valid');
 */
export const authorizedCaller = (request: AuthorizedRequest, nowMs: number): CallerCheck => {
  const parsed = authorizerContextSchema.safeParse(request.requestContext.authorizer?.lambda);
  if (!parsed.success) return { ok: false, reason: 'missing_token' };
  const { expiresAt } = parsed.data;
  if (expiresAt !== undefined && nowMs > (expiresAt + TOKEN_CLOCK_TOLERANCE_SECONDS) * 1000) {
    return { ok: false, reason: 'expired_token' };
  }
  return { ok: true, caller: parsed.data };
};

/** Why a bearer token is refused: at the edge (the authorizer), or inside (its cached context). */
export type BearerFailure = 'missing_token' | 'invalid_token' | 'expired_token';

/** 401 with the reason, so the answer can carry the matching WWW-Authenticate challenge. */
export class AuthenticationError extends UnauthorizedError {
  readonly reason: BearerFailure;

  constructor(reason: BearerFailure, options?: ErrorOptions) {
    super(
      reason === 'missing_token'
        ? 'A bearer token is required'
        : reason === 'expired_token'
          ? 'The bearer token has expired'
          : 'The bearer token is not valid',
      options,
    );
    this.name = 'AuthenticationError';
    this.reason = reason;
  }
}

/**
 * The RFC 6750 challenge of a 401 (RFC 7235: a 401 carries WWW-Authenticate). Every route
 * behind the authorizer (the orders routes and the media API) takes the same tokens: one
 * protection space, realm `orders-api`.
 *
 * @example
 * response.headers['www-authenticate'] = wwwAuthenticate(error.reason);
 */
export const wwwAuthenticate = (reason: BearerFailure): string =>
  reason === 'missing_token'
    ? 'Bearer realm="orders-api"'
    : 'Bearer realm="orders-api", error="invalid_token"';

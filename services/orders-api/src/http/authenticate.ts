import { UnauthorizedError } from '@shop/common/errors';
import { authorizerContextSchema } from '../auth/authorizerContext.js';
import type { AuthFailure } from '../auth/TokenVerifier.js';
import type { Customer } from '../domain/Order.js';

/** 401 with the reason, so the response can carry a precise WWW-Authenticate header. */
export class AuthenticationError extends UnauthorizedError {
  readonly reason: AuthFailure;

  constructor(reason: AuthFailure, options?: ErrorOptions) {
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
 * The caller, from the authorizer's context. API Gateway only invokes the function for
 * requests the authorizer allowed; anything but a complete context (e.g. a route deployed
 * without the authorizer) is still a 401.
 *
 * @example
 * const customer = authenticate(event.requestContext.authorizer?.lambda);
 */
export const authenticate = (context: unknown): Customer => {
  const parsed = authorizerContextSchema.safeParse(context);
  if (parsed.success) return { id: parsed.data.customerId, email: parsed.data.email };
  throw new AuthenticationError('missing_token');
};

/** RFC 6750 challenge for a 401. */
export const wwwAuthenticate = (reason: AuthFailure): string =>
  reason === 'missing_token'
    ? 'Bearer realm="orders-api"'
    : `Bearer realm="orders-api", error="invalid_token"`;

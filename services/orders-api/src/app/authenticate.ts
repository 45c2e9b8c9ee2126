import { UnauthorizedError } from '@shop/common/errors';
import { type AuthorizedRequest, authorizedCaller } from '@shop/contracts/authorizerContext';
import type { Customer } from '../domain/Order.js';
import type { AuthFailure } from '../domain/ports.js';

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
 * The caller, from the authorizer's context (validated against its contract). API Gateway
 * only invokes the function for requests the authorizer allowed; anything but a complete
 * context (e.g. a route deployed without the authorizer) is still a 401, and so is a token
 * that expired while the gateway kept the authorizer's answer cached.
 *
 * @example
 * const customer = authenticate(event, runtime.now());
 */
export const authenticate = (request: Partial<AuthorizedRequest>, now: Date): Customer => {
  const check = authorizedCaller({ requestContext: request.requestContext ?? {} }, now.getTime());
  if (check.ok) return { id: check.caller.customerId, email: check.caller.email };
  throw new AuthenticationError(check.reason);
};

/** RFC 6750 challenge for a 401. */
export const wwwAuthenticate = (reason: AuthFailure): string =>
  reason === 'missing_token'
    ? 'Bearer realm="orders-api"'
    : `Bearer realm="orders-api", error="invalid_token"`;

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
 * context (e.g. a route deployed without the authorizer) is still a 401.
 *
 * @example
 * const customer = authenticate(event);
 */
export const authenticate = (request: Partial<AuthorizedRequest>): Customer => {
  const caller = authorizedCaller({ requestContext: request.requestContext ?? {} });
  if (caller !== undefined) return { id: caller.customerId, email: caller.email };
  throw new AuthenticationError('missing_token');
};

/** RFC 6750 challenge for a 401. */
export const wwwAuthenticate = (reason: AuthFailure): string =>
  reason === 'missing_token'
    ? 'Bearer realm="orders-api"'
    : `Bearer realm="orders-api", error="invalid_token"`;

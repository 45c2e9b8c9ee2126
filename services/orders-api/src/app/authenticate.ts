import {
  AuthenticationError,
  type AuthorizedRequest,
  authorizedCaller,
} from '@shop/contracts/authorizerContext';
import type { Customer } from '../domain/Order.js';

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

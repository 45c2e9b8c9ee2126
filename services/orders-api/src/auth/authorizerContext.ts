import * as z from 'zod';
import { CUSTOMER_ID_PATTERN } from '../domain/identifiers.js';

// What AuthorizerFunction hands to OrdersApiFunction (event.requestContext.authorizer.lambda)
// for a request it authorized. A request without a valid token never gets that far: API
// Gateway answers 401 (no Authorization header) or 403 (the authorizer said no) itself.

export interface AuthorizerContext {
  customerId: string;
  email: string;
}

/** Validates what arrives in the API function: the defensive check behind the authorizer. */
export const authorizerContextSchema = z.object({
  customerId: z.string().regex(CUSTOMER_ID_PATTERN),
  email: z.email(),
});

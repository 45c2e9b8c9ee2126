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

/** The authorizer's context, validated where it arrives. */
export const authorizerContextSchema = z.object({
  customerId: z.string().check(z.regex(CUSTOMER_ID_PATTERN)),
  email: z.email(),
});

export type AuthorizerContext = z.infer<typeof authorizerContextSchema>;

/** The HTTP API request part that carries the authorizer's context. */
export interface AuthorizedRequest {
  requestContext: { authorizer?: { lambda?: unknown } };
}

/**
 * The caller of an authorized request, or `undefined` when the context is missing or malformed
 * (the function then answers 401: the gateway should never have let the request through).
 *
 * @example
 * const caller = authorizedCaller(event);
 * if (caller === undefined) throw new UnauthorizedError('A bearer token is required');
 */
export const authorizedCaller = (request: AuthorizedRequest): AuthorizerContext | undefined => {
  const parsed = authorizerContextSchema.safeParse(request.requestContext.authorizer?.lambda);
  return parsed.success ? parsed.data : undefined;
};

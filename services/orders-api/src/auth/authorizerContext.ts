import * as z from 'zod';
import { CUSTOMER_ID_PATTERN } from '../domain/identifiers.js';
import type { AuthFailure } from './TokenVerifier.js';

// What AuthorizerFunction hands to OrdersApiFunction (event.requestContext.authorizer.lambda).
//
// Why the authorizer lets unauthenticated requests through: an HTTP API Lambda authorizer that
// answers `isAuthorized: false` makes API Gateway return 403 `{"message":"Forbidden"}`, and
// HTTP APIs have no gateway responses to change that. The API promises 401 with the common
// error envelope for a missing or bad token, so the authorizer only verifies and reports; the
// API function rejects every request whose context is not `authenticated: true` (see
// src/http/authenticate.ts) before it routes anything.

export type AuthorizerContext =
  | { authenticated: true; customerId: string; email: string }
  | { authenticated: false; reason: AuthFailure };

/** Validates what arrives in the API function (values may arrive as strings). */
export const authenticatedContextSchema = z.object({
  authenticated: z.union([z.literal(true), z.literal('true')]),
  customerId: z.string().regex(CUSTOMER_ID_PATTERN),
  email: z.email(),
});

export const failureReasonSchema = z.object({
  reason: z.enum(['missing_token', 'invalid_token', 'expired_token']),
});

// Polling and JSON helpers for tests that drive the shop through HTTP and the AWS SDK.

export { eventually } from '@shop/local-cloud/testing';

/**
 * Parsed JSON in assertions. `any` on purpose: tests read deep into arbitrary payloads and
 * assert on them; a wrong guess fails the assertion.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = any;

/** A response's body as JSON. */
export const json = async (response: Response): Promise<Json> => response.json();

/**
 * Payload limits of Lambda's Invoke, in bytes, as AWS documents them ("Lambda quotas",
 * "Invoke" API reference) and as its errors name them.
 */

/**
 * A synchronous (RequestResponse) invocation's request: Lambda refuses a larger one with
 * RequestEntityTooLargeException, "Request must be smaller than 6291456 bytes for the
 * InvokeFunction operation".
 */
export const MAX_SYNC_REQUEST_BYTES = 6_291_456;

/**
 * An asynchronous (Event) invocation's request: 1 MB since October 2025 (256 KB before), per
 * the Invoke API reference ("For asynchronous invocations, the maximum payload size is 1 MB").
 */
export const MAX_ASYNC_REQUEST_BYTES = 1_048_576;

/**
 * A synchronous invocation's response: the runtime's Function.ResponseSizeTooLarge names
 * "maximum allowed payload size (6291556 bytes)", 100 bytes more than the request's limit.
 */
export const MAX_RESPONSE_BYTES = 6_291_556;

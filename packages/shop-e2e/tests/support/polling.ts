// Polling and JSON helpers for tests that drive the shop through HTTP and the AWS SDK.

/** Poll until `check` returns a value (not undefined), or fail after `timeoutMs`. */
export const eventually = async <T>(
  check: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
  );
};

/**
 * Parsed JSON in assertions. `any` on purpose: tests read deep into arbitrary payloads and
 * assert on them; a wrong guess fails the assertion.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = any;

/** A response's body as JSON. */
export const json = async (response: Response): Promise<Json> => response.json();

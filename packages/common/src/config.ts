import * as z from './validation.js';

/** Thrown at cold start when the environment does not satisfy a service's schema. */
export class ConfigError extends Error {
  /** One entry per offending variable: `NAME: reason`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`Invalid configuration: ${problems.join('; ')}`, options);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/** The environment as a plain record; the one place in the codebase that touches `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * The process environment. Everything else receives it as an argument, so tests pass a plain
 * object instead of mutating globals.
 *
 * @example
 * const endpoint = processEnvironment().AWS_ENDPOINT_URL;
 */
export const processEnvironment = (): Environment => process.env;

/**
 * Validate environment variables against a zod object schema (zod/mini or zod), once, and
 * return a frozen, typed object. Empty and blank (whitespace-only) strings count as missing,
 * so a template parameter left blank is reported (and `z.coerce.number()` never reads ' ' as 0).
 *
 * @throws {ConfigError} naming every missing or malformed variable, not only the first.
 *
 * @example
 * const config = loadConfig(
 *   z.object({ TABLE_NAME: z.string(), PAGE_SIZE: z._default(z.coerce.number(), 20) }),
 * );
 * config.TABLE_NAME; // string
 */
export const loadConfig = <S extends z.core.$ZodObject>(
  schema: S,
  env: Environment = processEnvironment(),
): Readonly<z.output<S>> => {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const result = z.safeParse(schema, present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.length > 0 ? issue.path.join('.') : '(environment)';
      const reason =
        issue.code === 'invalid_type' &&
        issue.path.length === 1 &&
        !Object.hasOwn(present, String(issue.path[0]))
          ? 'is required but not set'
          : issue.message;
      return `${name} ${reason}`;
    });
    throw new ConfigError(problems);
  }
  return Object.freeze(result.data);
};

/**
 * A comma-separated list of positive integers, e.g. `THUMBNAIL_WIDTHS=128,512,1024`.
 *
 * @example
 * z.object({ WIDTHS: z._default(positiveIntList, [128]) });
 */
export const positiveIntList = z.pipe(
  z.pipe(
    z.string(),
    z.transform((value: string) => value.split(',').map((part) => Number(part.trim()))),
  ),
  z.array(z.int().check(z.positive())).check(z.minLength(1)),
);

/**
 * A boolean spelled `true`/`false`/`1`/`0` (zod's `coerce.boolean` would read `"false"` as true).
 *
 * @example
 * z.object({ DEBUG: z._default(booleanFlag, false) });
 */
export const booleanFlag = z.pipe(
  z.enum(['true', 'false', '1', '0']),
  z.transform((value: 'true' | 'false' | '1' | '0') => value === 'true' || value === '1'),
);

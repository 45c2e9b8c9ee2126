// Validation with zod/mini: zod's checks and types without its chained API, about a seventh of
// the bundle (4 vs 25 KiB gzip for the same schema). zod/mini ships no error messages by
// default ("Invalid input" for everything); loading the English locale once here (1 KiB gzip)
// keeps messages such as "Too big: expected string to have <=200 characters" in config errors,
// 400 answers and dead-letter reasons. Listed in package.json's sideEffects so bundlers keep
// the configuration.
//
// Import it as a namespace: `import * as z from '@shop/common/validation'`. A namespace the
// bundler can see through tree-shakes to the functions a bundle calls; re-exporting zod's
// namespace object (`export { z }`) would keep all of zod (85 vs 4 KiB gzip, measured).
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

/**
 * zod/mini with its English messages configured.
 *
 * @example
 * import * as z from '@shop/common/validation';
 * const schema = z.object({ name: z.string().check(z.maxLength(200)) });
 */
export * from 'zod/mini';

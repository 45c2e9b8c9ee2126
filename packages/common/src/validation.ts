// Validation with zod/mini: zod's checks and types without its chained API, about a seventh of
// the bundle (4 vs 25 KiB gzip for the same schema). zod/mini ships no error messages by
// default ("Invalid input" for everything); loading the English locale once here (1 KiB gzip)
// keeps messages such as "Too big: expected string to have <=200 characters" in config errors,
// 400 answers and dead-letter reasons. Imported by every module of @shop/common that validates,
// and listed in package.json's sideEffects so bundlers keep it.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';

z.config(en());

/**
 * zod/mini with its English messages configured.
 *
 * @example
 * import { z } from '@shop/common/validation';
 * const schema = z.object({ name: z.string().check(z.maxLength(200)) });
 */
export { z };

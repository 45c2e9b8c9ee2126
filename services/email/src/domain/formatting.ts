// Locale-aware formatting for the emails. The texts are English, so one locale is used; amounts
// use the order's currency.

/** Locale of every email text. */
export const EMAIL_LOCALE = 'en-US';

/**
 * A formatter for amounts in minor units (cents, yen, fils) of one currency. The number of
 * fraction digits comes from the currency itself (`EUR` 2, `JPY` 0, `BHD` 3), so `2500` is
 * `€25.00` but `¥2,500`.
 *
 * @example
 * const format = moneyFormatter('EUR');
 * format(2500); // '€25.00'
 */
export const moneyFormatter = (currency: string, locale = EMAIL_LOCALE) => {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const divisor = 10 ** digits;
  return (minorUnits: number): string => format.format(minorUnits / divisor);
};

/**
 * An ISO timestamp as a readable UTC date and time.
 *
 * @example
 * formatTimestamp('2026-11-22T10:00:00.000Z'); // 'November 22, 2026 at 10:00 AM UTC'
 */
export const formatTimestamp = (iso: string, locale = EMAIL_LOCALE): string =>
  `${new Intl.DateTimeFormat(locale, {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(new Date(iso))} UTC`;

/**
 * A country's English name from its ISO 3166-1 alpha-2 code (the code itself if unknown).
 *
 * @example
 * countryName('DE'); // 'Germany'
 */
export const countryName = (code: string, locale = EMAIL_LOCALE): string => {
  try {
    return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(code) ?? code;
  } catch {
    return code;
  }
};

/**
 * Text safe for a one-line header such as the subject: control characters (CR, LF, ...) become
 * spaces.
 *
 * @example
 * singleLine('A\r\nBcc: x'); // 'A  Bcc: x'
 */
export const singleLine = (text: string): string =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  text.replace(/[\u0000-\u001f\u007f]/g, ' ');

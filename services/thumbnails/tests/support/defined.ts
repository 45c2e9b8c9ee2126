/** The value, or a failed test if it is missing (instead of a non-null assertion). */
export const defined = <T>(value: T | null | undefined, what = 'value'): T => {
  if (value === undefined || value === null) throw new Error(`expected ${what} to be defined`);
  return value;
};

import { randomInt } from 'node:crypto';

/** `AWS::SecretsManager::Secret.GenerateSecretString`, as CloudFormation takes it. */
export interface GenerateSecretStringSpec {
  PasswordLength?: number | string;
  ExcludeCharacters?: string;
  ExcludeLowercase?: boolean | string;
  ExcludeUppercase?: boolean | string;
  ExcludeNumbers?: boolean | string;
  ExcludePunctuation?: boolean | string;
  IncludeSpace?: boolean | string;
  RequireEachIncludedType?: boolean | string;
  SecretStringTemplate?: string;
  GenerateStringKey?: string;
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const PUNCTUATION = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';

const flag = (value: boolean | string | undefined, fallback: boolean) =>
  value === undefined ? fallback : value === true || value === 'true';

/**
 * Generate a secret value as Secrets Manager does for `GenerateSecretString`: a random
 * password from the allowed character classes (one of each by default), optionally placed
 * into a JSON template under `GenerateStringKey`.
 *
 * @example
 * generateSecretString({ PasswordLength: 64, ExcludePunctuation: true });
 */
export const generateSecretString = (spec: GenerateSecretStringSpec = {}): string => {
  const length = Number(spec.PasswordLength ?? 32);
  if (!Number.isInteger(length) || length < 1 || length > 4096) {
    throw new Error(`PasswordLength must be 1..4096, got ${spec.PasswordLength}`);
  }
  const exclude = new Set(spec.ExcludeCharacters ?? '');
  const classes = [
    flag(spec.ExcludeLowercase, false) ? '' : LOWER,
    flag(spec.ExcludeUppercase, false) ? '' : UPPER,
    flag(spec.ExcludeNumbers, false) ? '' : DIGITS,
    flag(spec.ExcludePunctuation, false) ? '' : PUNCTUATION,
    flag(spec.IncludeSpace, false) ? ' ' : '',
  ]
    .map((chars) => [...chars].filter((c) => !exclude.has(c)).join(''))
    .filter((chars) => chars.length > 0);
  const alphabet = classes.join('');
  if (alphabet.length === 0) throw new Error('GenerateSecretString excludes every character');
  const pick = (chars: string) => chars[randomInt(chars.length)] as string;
  const chars = Array.from({ length }, () => pick(alphabet));
  if (flag(spec.RequireEachIncludedType, true) && length >= classes.length) {
    // One character of each class at distinct random positions.
    const positions = new Set<number>();
    while (positions.size < classes.length) positions.add(randomInt(length));
    [...positions].forEach((position, i) => {
      chars[position] = pick(classes[i] as string);
    });
  }
  const password = chars.join('');
  if (spec.GenerateStringKey === undefined) return password;
  const template = spec.SecretStringTemplate
    ? (JSON.parse(spec.SecretStringTemplate) as object)
    : {};
  return JSON.stringify({ ...template, [spec.GenerateStringKey]: password });
};

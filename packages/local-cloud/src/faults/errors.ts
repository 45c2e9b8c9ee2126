/** A fault rule (or a `--faults` file) is malformed: names the field, e.g. `rules[1].error.status`. */
export class FaultRuleError extends Error {
  readonly field: string;

  constructor(field: string, message: string, options?: ErrorOptions) {
    super(`${field}: ${message}`, options);
    this.name = 'FaultRuleError';
    this.field = field;
  }
}

/** A template problem, located by the path of the offending field (`Resources.X.Properties.Y`). */
export class TemplateError extends Error {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super(path === '' ? message : `${path}: ${message}`, options);
    this.name = 'TemplateError';
    this.path = path;
  }
}

/** Collects warnings, each message once, in the order first seen. */
export class Warnings {
  private readonly seen = new Set<string>();

  add(message: string): void {
    this.seen.add(message);
  }

  list(): string[] {
    return [...this.seen];
  }
}

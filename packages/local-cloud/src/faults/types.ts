/** The services a fault rule can target (the SigV4 signing name; DynamoDB Streams apart). */
export const FAULT_SERVICES = [
  's3',
  'sqs',
  'dynamodb',
  'dynamodbstreams',
  'ses',
  'secretsmanager',
] as const;

export type FaultService = (typeof FAULT_SERVICES)[number];

/** A substring, or a regular expression (`{ "regex": "...", "flags": "i" }`; a RegExp in code). */
export type TextMatch = string | RegExp | { regex: string; flags?: string };

/** The AWS error a rule answers instead of forwarding, in the protocol's own error shape. */
export interface FaultError {
  /** HTTP status, 400-599. */
  status: number;
  /** The AWS error code, e.g. `ServiceUnavailable`, `ThrottlingException`: the SDK's `err.name`. */
  code: string;
  message?: string;
}

/** One fault rule, as a test or a `--faults` file writes it. */
export interface FaultRuleInput {
  /** Unique name; generated when absent. */
  id?: string;
  description?: string;
  service: FaultService;
  /** The AWS API action name(s), e.g. `SendEmail`, `PutItem`, `GetObject`. Absent: every one. */
  operation?: string | string[];
  /** Matched against the request body (e.g. a table name, an order id). */
  body?: TextMatch;
  /** Matched against the request path and query (e.g. an S3 bucket or key). */
  path?: TextMatch;
  /**
   * Count `times`/`after` per distinct request instead of in total: `body` keys on the whole
   * body (a retried request is the same request), a regex on its first capture group (or
   * the whole match) in the body; a request it does not find is not matched.
   */
  per?: 'body' | RegExp | { regex: string; flags?: string };
  /** Answer this error instead of forwarding. */
  error?: FaultError;
  /** Wait this long before forwarding (or before answering `error`). */
  delayMs?: number;
  /** Forward, then hold the backend's answer back this long: the write happens, the caller may time out. */
  holdResponseMs?: number;
  /** Forward, then close the connection without answering (after `holdResponseMs`, if any). */
  dropConnection?: boolean;
  /** Apply to this many matching requests (per key with `per`), then stop. */
  times?: number;
  /** Let this many matching requests through first. */
  after?: number;
  /** Apply to an eligible request with this probability (0-1). */
  probability?: number;
  /** Seed for `probability`, for a repeatable sequence (default: Math.random). */
  seed?: number;
}

/** A rule with its counters. */
export interface FaultRuleStats {
  id: string;
  /** Requests the rule's filters (service, operation, body, path, per) matched. */
  matched: number;
  /** Requests the rule changed (the first eligible rule wins; later ones only count a match). */
  applied: number;
  /** Distinct `per` keys seen. */
  keys: number;
  rule: FaultRuleJson;
}

/** A rule in its JSON form (regular expressions as `{ regex, flags }`). */
export type FaultRuleJson = Omit<FaultRuleInput, 'body' | 'path' | 'per'> & {
  id: string;
  body?: string | { regex: string; flags?: string };
  path?: string | { regex: string; flags?: string };
  per?: 'body' | { regex: string; flags?: string };
};

/** What a proxy knows about one request. */
export interface AwsRequestInfo {
  service?: FaultService;
  operation?: string;
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** The body as text (empty when not read). */
  body: string;
}

/** What to do to one request. */
export interface FaultDecision {
  ruleId: string;
  error?: FaultError;
  delayMs: number;
  holdResponseMs: number;
  dropConnection: boolean;
}

/**
 * The fault rules of running backends, from any process: `useFaults()` in a test, or
 * `backends.faults` where they were started.
 */
export interface Faults {
  /** The control endpoint (`.../_faults`), loopback only. */
  readonly url: string;
  /** Add a rule; resolves to its id. */
  add(rule: FaultRuleInput): Promise<string>;
  list(): Promise<FaultRuleStats[]>;
  stats(id: string): Promise<FaultRuleStats>;
  matched(id: string): Promise<number>;
  applied(id: string): Promise<number>;
  remove(id: string): Promise<void>;
  /** Remove the rules this client added (every rule, for the process that owns the backends). */
  clear(): Promise<void>;
}

/** A checked rule whose id may still be generated. */
export type ParsedFaultRule = Omit<FaultRuleJson, 'id'> & { id?: string };

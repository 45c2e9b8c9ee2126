import type { BackendClients, Backends } from '@shop/local-cloud';
import type { ProvisionedStack, StackProfile } from '../stacks.ts';

/** What a case's hooks get: the backends, the stack its events were written for, state. */
export interface CaseContext {
  backends: Backends;
  clients: BackendClients;
  stack: ProvisionedStack;
  /** Values earlier cases left for later ones (e.g. the id of the order placed first). */
  state: Map<string, string>;
}

/** The expected response of a synchronous (HTTP API) function: payload format 2.0. */
export interface HttpExpectation {
  statusCode: number;
  /** A pattern for the JSON body (see `mismatches` in expect.ts). */
  body?: unknown;
  headers?: Record<string, string | RegExp>;
}

/** The expected response of an SQS consumer with ReportBatchItemFailures. */
export interface BatchExpectation {
  /** Exactly these message ids fail, no others. */
  batchItemFailures: string[];
}

/** Any other response, as a pattern (`null` for a handler that returns nothing). */
export interface PayloadExpectation {
  payload: unknown;
}

export type ResponseExpectation = HttpExpectation | BatchExpectation | PayloadExpectation;

/** One invocation of a built function with a sample event, and what must come of it. */
export interface Case {
  /** The event file, relative to the repository root (events/<service>/<case>.json). */
  event: string;
  /** Logical ID of the function in the template. */
  functionId: string;
  /** Which stack profile the event was written for (see STACK_PROFILES). */
  stack: string;
  /** What this case proves, in a few words (the report's "case" column). */
  title: string;
  /** Set up what the event refers to (an uploaded object, an existing order ...). */
  prepare?(ctx: CaseContext, event: unknown): Promise<void>;
  /**
   * Only where the sample cannot work as it is: the change made to it, and why. The sample
   * itself is always run as-is by another case.
   */
  adapt?: { why: string; apply(event: unknown, ctx: CaseContext): Promise<unknown> | unknown };
  /** The response; a function when it depends on earlier cases (a generated order id). */
  expect: ResponseExpectation | ((ctx: CaseContext) => ResponseExpectation);
  /** Side effects on the backends, each a short description and a check that throws. */
  effects?: Effect[];
}

/** One side effect a case checks on the backends. */
export interface Effect {
  what: string;
  /** Throws (ExpectationError) when the backends do not show the effect. */
  check(ctx: CaseContext, response: unknown, event: unknown): Promise<void>;
}

export type { StackProfile };

// Brings the `localBackends` type of Vitest's provided context into every program that uses this.

import { inject } from 'vitest';
import { connectBackends } from './backends/connect.js';
import type { Backends } from './backends/types.js';
import { type BackendClients, backendClients } from './clients.js';
import type {} from './vitest/globalSetup.js';

/**
 * In an integration test: the backends the global setup started, and SDK clients for them.
 *
 * @example
 * const { backends, clients } = useBackends();
 */
export const useBackends = (): { backends: Backends; clients: BackendClients } => {
  const backends = connectBackends(inject('localBackends'));
  return { backends, clients: backendClients(backends) };
};

/** A name unique to this test run, so tests sharing one backend never see each other's data. */
export const uniqueName = (prefix: string): string =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

export { readStreamEvent, type StreamEvent } from './triggers/dynamodb/readStream.js';

import { inject } from 'vitest';

export { eventually } from '../../src/testing.js';

import { connectBackends } from '../../src/backends/connect.js';
import { backendClients } from '../../src/clients.js';
import type { LocalCloudDescriptor } from '../../src/cloud/startLocalCloud.js';

/** A cloud the global setup started, and real SDK clients for its backends. */
export const useCloud = (which: 'fixtureCloud') => {
  const cloud: LocalCloudDescriptor = inject(which);
  const backends = connectBackends(cloud.backends);
  return { cloud, backends, clients: backendClients(backends) };
};

/**
 * Parsed JSON in assertions. `any` on purpose: tests read deep into arbitrary payloads and
 * assert on them; a wrong guess fails the assertion.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above
export type Json = any;

/** A response's body as JSON. */
export const json = async (response: Response): Promise<Json> => response.json();

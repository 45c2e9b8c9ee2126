import { FaultsClient } from '../faults/FaultsClient.js';
import { readMotoMessages, readSesLocalStore } from './mailbox.js';
import { endpointEnv } from './startBackends.js';
import type { Backends, Endpoints } from './types.js';

/** What a process needs to reach backends another process started (serialisable). */
export interface BackendsDescriptor {
  mode: Backends['mode'];
  region: string;
  endpoints: Endpoints;
  /** The fault control endpoint, if the backends have the fault proxy in front. */
  faultsUrl?: string;
}

/** The serialisable part of running backends. */
export const describeBackends = (backends: Backends): BackendsDescriptor => ({
  mode: backends.mode,
  region: backends.region,
  endpoints: backends.endpoints,
  ...(backends.faults ? { faultsUrl: backends.faults.url } : {}),
});

/**
 * Reach backends started elsewhere (e.g. by a Vitest global setup). `stop()` is a no-op: the
 * process that started them stops them.
 */
export const connectBackends = (descriptor: BackendsDescriptor): Backends => ({
  mode: descriptor.mode,
  region: descriptor.region,
  endpoints: descriptor.endpoints,
  ...(descriptor.faultsUrl ? { faults: new FaultsClient(descriptor.faultsUrl) } : {}),
  env: endpointEnv(descriptor.endpoints, descriptor.region),
  sentEmails: () =>
    descriptor.mode === 'embedded'
      ? readSesLocalStore(descriptor.endpoints.ses)
      : readMotoMessages(descriptor.endpoints.ses),
  stop: async () => undefined,
});

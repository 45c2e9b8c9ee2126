import type { UserConfig } from 'vitest/config';

export interface SharedTestOptions {
  /** Start the local AWS backends once per run (Vitest global setup). */
  integration?: boolean;
  setupFiles?: string[];
  testTimeout?: number;
}

export declare const sharedTestConfig: (options?: SharedTestOptions) => UserConfig;

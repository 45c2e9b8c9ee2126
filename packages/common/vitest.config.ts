import { sharedTestConfig } from '@shop/tooling/vitest';

export default sharedTestConfig({ setupFiles: ['@shop/testing/setup'] });

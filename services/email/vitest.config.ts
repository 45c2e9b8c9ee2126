import { sharedTestConfig } from '@shop/tooling/vitest';

export default sharedTestConfig({ integration: true, setupFiles: ['@shop/testing/setup'] });

import { sharedTestConfig } from '@shop/tooling/vitest';

export default sharedTestConfig({ integration: true, setupFiles: ['tests/setup.ts'] });

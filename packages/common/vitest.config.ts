import { sharedTestConfig } from '@shop/tooling/vitest';

export default sharedTestConfig({ setupFiles: ['tests/setup.ts'] });

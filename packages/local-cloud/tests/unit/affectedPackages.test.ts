import { describe, expect, it } from 'vitest';
import { affectedPackages } from '../../src/dev/watch.js';

const pkg = (name: string, dependencies: string[], hasBuild = true) => ({
  name,
  dir: `/repo/${name}`,
  dependencies: new Set(dependencies),
  hasBuild,
});

describe('affectedPackages', () => {
  it('rebuilds the changed service, or every service that depends on a changed package', () => {
    // Prepare
    const common = pkg('@shop/common', [], false);
    const contracts = pkg('@shop/contracts', ['zod'], false);
    const orders = pkg('@shop/orders-api', ['@shop/common', '@shop/contracts']);
    const email = pkg('@shop/email', ['@shop/contracts']);
    const thumbnails = pkg('@shop/thumbnails', ['@shop/common']);
    const packages = [common, contracts, orders, email, thumbnails];
    const hasFunctions = (p: { name: string }) =>
      p.name.includes('/') && !['@shop/common', '@shop/contracts'].includes(p.name);

    // Act / Assess
    expect(affectedPackages(packages, email, hasFunctions).map((p) => p.name)).toEqual([
      '@shop/email',
    ]);
    expect(
      affectedPackages(packages, contracts, hasFunctions)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['@shop/email', '@shop/orders-api']);
  });
});

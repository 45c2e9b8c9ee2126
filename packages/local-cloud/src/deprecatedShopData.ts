// DEPRECATED: the shop's demo data, which moved to @shop/shop-e2e. It stays exported from
// `@shop/local-cloud/cloud` only until packages/bench and packages/artifact-check import it
// from there; then this file goes. Nothing in local-cloud itself uses it.
import { signToken } from './dev/token.js';

/** @deprecated import DEMO_ORDER from `@shop/shop-e2e`. */
export const DEMO_ORDER = {
  items: [
    { sku: 'LAMP-ARC-01', quantity: 1, unitPrice: 12_900 },
    { sku: 'BULB-E27-WARM', quantity: 3, unitPrice: 450 },
  ],
  currency: 'EUR',
  shippingAddress: {
    name: 'Ada Lovelace',
    line1: '12 Analytical Row',
    city: 'Berlin',
    postalCode: '10115',
    country: 'DE',
  },
  note: 'Placed by pnpm demo',
};

/** @deprecated import SAMPLE_JPEG_LANDSCAPE from `@shop/shop-e2e`. */
export const SAMPLE_JPEG_LANDSCAPE = Buffer.from(
  '/9j/2wBDAAoHBwgHBgoICAgLCgoLDhgQDg0NDh0VFhEYIx8lJCIfIiEmKzcvJik0KSEiMEExNDk7Pj4+JS5ESUM8SDc9Pjv/' +
    '2wBDAQoLCw4NDhwQEBw7KCIoOzs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozs7Ozv/wAAR' +
    'CAB4AKADASIAAhEBAxEB/8QAGAABAQEBAQAAAAAAAAAAAAAAAgAGAwf/xAAWEAEBAQAAAAAAAAAAAAAAAAAAAQL/xAAYAQEB' +
    'AQEBAAAAAAAAAAAAAAAEAgMFB//EABYRAQEBAAAAAAAAAAAAAAAAAAIAAf/aAAwDAQACEQMRAD8A8imTmSmTmXU1UBRmTmSm' +
    'TmWeqUFGZOZKZOZRqlBRmTmTmTmWeqWFCZOZOZOZRqlBQmTmTmTmWeqUFCZOZOZOZRqlBQmTmTmTmWeqUFCZOZOZOZRqlhRm' +
    'TmSmTmUapQVi5k5k5k5l2NV42FCZOZOZOZRqlBQmTmTmTmWeqUFCZOZOZOZRqlhQmTmTmTmWeqUFCZOZOZOZRqlBQmXSZKZO' +
    'ZZ6pQUZk5kpk5lGqUFGZOZKZOZRqlhRmTmSmTmWeqUFYuZOZOZOZdnVeNhQmTmTmTmWeqUFCZOZOZOZRqlBQmXSZKZOZZ6pY' +
    'UZk5kpk5lGqUFGZOZKZOZRqlBRmTmSmTmWeqUFGZOZOZOZRqlBQmTmTmTmWeqWFCZOZOZOZRqlBWKmTmTmTmXY1XjYUZk5kp' +
    'k5lGqUFGZOZKZOZRqlBRmTmSmTmWeqWFGZOZKZdJlGqUFCZOZOZOZZ6pQUJk5k5k5lGqUFCZOZOZOZZ6pQUJk5k5k5lGqWFC' +
    'ZOZOZOZZ6pQVi5k5kpk5l2dV42FGZOZKZOZRqlBRmTmTmTmWeqUFCZOZOZOZRqlBQmTmTmTmWeqWFCZOZOZOZRqlBQmTmTmT' +
    'mUapQUJk5k5k5lnqlBRmTmSmTmWeqUFGZOZKZOZRqlhWLmTmTmTmXZ1XjYUJk5k5k5lnqlBQmTmTmTmUapQUJk5k5k5lnqlB' +
    'QmTmTmTmUapYUZk5kpk5lnqlBRmTmSmTmUapQUZk5kpk5lGqUFGZOZKZOZZ6pQUZk5k5k5lGqWFYqZOZOZOZdjVeNhQmTmTm' +
    'TmUapQUJk5k5k5lnqlBRmTmSmTmUapQUZk5kpk5lGqWFGZOZKZOZZ6pQUZk5k5k5lGqUFCZOZOZOZZ6pQUJk5k5k5lGqUFCZ' +
    'OZOZOZZ6pYVi5k5lJ2t28cGzmTmUkbsobOZOZSZ7ssbOZOZSRuyhs5k5lJnuyhs5k5lJG7KGzmTmUme7KGzmTmUkbssbOZOZ' +
    'SZ7sobOZOZSRuyht/9k=',
  'base64',
);

/** @deprecated import mintToken from `@shop/shop-e2e` (or use `signToken`). */
export const mintToken = (options: {
  key: string;
  issuer: string;
  audience: string;
  customerId: string;
  email: string;
  expiresIn?: string;
}): Promise<string> => {
  const { customerId, ...rest } = options;
  return signToken({ ...rest, subject: customerId });
};

// Workspace packages are TypeScript sources whose relative imports say `.js` (the house
// style for tsc's NodeNext resolution). Node's type stripping runs them as they are but
// resolves specifiers literally, so this hook retries a missing `./x.js` as `./x.ts`.
// Scripts that run workspace sources directly load it first:
//   node --import @shop/tooling/ts-resolve src/cli.ts
import { registerHooks } from 'node:module';

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      const relative = specifier.startsWith('./') || specifier.startsWith('../');
      if (!relative || !specifier.endsWith('.js')) throw error;
      return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
    }
  },
});

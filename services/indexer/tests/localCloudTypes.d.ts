// Type context that @shop/local-cloud keeps outside its entry points: the ambient declaration
// of `dynalite` and the Vitest `inject('localBackends')` augmentation made by its global setup.
// Without these, `tsc` on tests that import @shop/local-cloud fails.
/// <reference path="../../../packages/local-cloud/src/types/dynalite.d.ts" />
import type {} from '@shop/local-cloud/vitest';

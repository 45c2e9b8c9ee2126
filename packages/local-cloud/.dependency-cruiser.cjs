// Layer rules of src/ (pnpm check:layers). One direction, bottom to top:
//   faults/ -> backends/ -> clients.ts, resources.ts       (the AWS backends and clients for them)
//   template/ -> provision/ -> lambda/ + triggers/ -> cloud/ -> dev/ -> entry points
// Entry points (cli.ts, index.ts, runner.ts, testing.ts, vitest/, deprecatedShopData.ts) may
// import anything; nothing imports them. lambda/ and triggers/ share a level, triggers
// using lambda/ (FunctionPool, RunnerLog in lambda/types.ts) and never the reverse.
const layers = [
  ['faults', '^src/faults/'],
  ['backends', '^src/(backends|types)/'],
  ['clients', '^src/(clients|resources)\\.ts$'],
  ['template', '^src/template/'],
  ['provision', '^src/provision/'],
  ['lambda', '^src/lambda/'],
  ['triggers', '^src/triggers/'],
  ['cloud', '^src/cloud/'],
  ['dev', '^src/dev/'],
  ['entry', '^src/(cli|index|runner|testing|deprecatedShopData)\\.ts$|^src/vitest/'],
];

const upward = layers.slice(0, -1).map(([name, path], index) => ({
  name: `${name}-imports-upward`,
  comment: `${name} may only import its own layer and the ones below it`,
  severity: 'error',
  from: { path },
  to: {
    path: layers
      .slice(index + 1)
      .map(([, higher]) => `(${higher})`)
      .join('|'),
  },
}));

// template/ is the bottom of the runner: it reads YAML and knows no backend.
const templateAlone = {
  name: 'template-knows-no-backend',
  severity: 'error',
  from: { path: '^src/template/' },
  to: { path: '^src/(faults|backends|types)/|^src/(clients|resources)\\.ts$' },
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'no import circles, type-only imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upward,
    templateAlone,
    {
      name: 'no-shop-packages',
      comment: 'local-cloud is a tool of its own: it depends on no @shop/* package',
      severity: 'error',
      from: {},
      to: { path: '@shop/' },
    },
    {
      name: 'every-layer-known',
      comment: 'a new folder under src/ needs a place in the layers above',
      severity: 'error',
      from: { path: '^src/', pathNot: layers.map(([, path]) => `(${path})`).join('|') },
      to: {},
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.d.ts'] },
  },
};

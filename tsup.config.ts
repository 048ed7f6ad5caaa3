import { defineConfig } from 'tsup';

export default defineConfig([
  {
    // The library and its `./testing` subpath, each as ESM and CJS with its own .d.ts / .d.cts.
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    target: 'node20',
  },
  {
    // The `mercadopago-notifications` bin: one ESM file; the shebang comes from src/cli/index.ts.
    entry: { cli: 'src/cli/index.ts' },
    format: ['esm'],
    sourcemap: true,
    target: 'node20',
  },
]);

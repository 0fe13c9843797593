import { defineConfig } from 'tsup';

export default defineConfig({ entry: ['src/index.ts', 'src/testing/index.ts', 'src/protobuf/index.ts', 'src/workers/plugin-worker.ts', 'src/own-package-hooks.js'], format: ['esm'], dts: true, clean: true });

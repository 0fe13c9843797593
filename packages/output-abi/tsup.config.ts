import { defineConfig } from 'tsup';

export default defineConfig({ entry: ['src/index.ts', 'src/go-host-child.ts'], format: ['esm'], dts: true, clean: true, external: ['koffi'] });

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(here, '..', '..', '..');
const cacheDir = join(repoRoot, '.build-cache', 'native');
/** The Go and C fixture sources live with the package they test. */
const fixtures = join(repoRoot, 'packages', 'output-abi', 'fixtures');

/**
 * Whether Go is here. In CI (CI=true) a missing Go is a failure, never a reason to skip: the
 * Go plugin tests are the point of this package.
 */
export function hasGo(): boolean {
  const found = spawnSync('go', ['version']).status === 0;
  if (!found && process.env.CI === 'true') throw new Error('Go is required in CI to build the fluent-bit-go test plugins, but `go` is not on PATH.');
  return found;
}

function hashOf(parts: Array<string | Buffer>): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest('hex').slice(0, 16);
}

/** Builds into the cache under a content hash, writing atomically so parallel test files can share it. */
function cached(name: string, key: string, build: (out: string) => void, extension = '.so'): string {
  const out = join(cacheDir, `${name}-${key}${extension}`);
  if (existsSync(out)) return out;
  mkdirSync(cacheDir, { recursive: true });
  const partial = `${out}.${process.pid}.partial`;
  build(partial);
  renameSync(partial, out);
  return out;
}

/**
 * Builds a Go plugin directory with `go build -buildmode=c-shared`, optionally with another
 * module file (`go.2020.mod` pins another fluent-bit-go), cached by the hash of its sources.
 */
export function buildGoPlugin(dir: string, options: { name: string; modfile?: string }): string {
  const modfile = options.modfile ?? 'go.mod';
  const sources = readdirSync(dir).filter((f) => f.endsWith('.go')).sort();
  const sum = modfile.replace(/\.mod$/, '.sum');
  const key = hashOf([
    execFileSync('go', ['version'], { encoding: 'utf8' }),
    ...sources.map((f) => readFileSync(join(dir, f))),
    readFileSync(join(dir, modfile)),
    existsSync(join(dir, sum)) ? readFileSync(join(dir, sum)) : '',
  ]);
  return cached(options.name, key, (out) => {
    execFileSync('go', ['build', '-buildmode=c-shared', `-modfile=${modfile}`, '-o', out, '.'], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, GOFLAGS: '-mod=readonly' },
    });
  });
}

/**
 * A go-pdk plugin (an executable that calls `server.StartServer`) from `packages/kong-rpc/fixtures/go-pdk/<name>`,
 * built into `<cache>/go-pdk-<hash>/<name>`: go-pdk names its socket after the executable.
 */
export function buildGoPdkPlugin(name: string): string {
  const dir = join(repoRoot, 'packages', 'kong-rpc', 'fixtures', 'go-pdk', name);
  const sources = readdirSync(dir).filter((f) => f.endsWith('.go')).sort();
  const key = hashOf([execFileSync('go', ['version'], { encoding: 'utf8' }), ...sources.map((f) => readFileSync(join(dir, f))), readFileSync(join(dir, 'go.mod')), readFileSync(join(dir, 'go.sum'))]);
  const folder = cached(`go-pdk-${name}`, key, (out) => {
    mkdirSync(out, { recursive: true });
    execFileSync('go', ['build', '-o', join(out, name), '.'], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, GOFLAGS: '-mod=readonly' } });
  }, '');
  return join(folder, name);
}

/** The recorder fixture built against one fluent-bit-go version. */
export const FLUENT_BIT_GO_VERSIONS = {
  '2020-07 (b9c0d6a)': { modfile: 'go.2020.mod', version: 'v0.0.0-20200729034236-b9c0d6a20853' },
  '2023-05 (b93d969)': { modfile: 'go.2023-05.mod', version: 'v0.0.0-20230515084116-b93d969da46d' },
  '2023-07 (a7a013e)': { modfile: 'go.mod', version: 'v0.0.0-20230731091245-a7a013e2473c' },
} as const;

export function buildRecorder(modfile = 'go.mod'): string {
  return buildGoPlugin(join(fixtures, 'go-recorder'), { name: `recorder-${modfile.replace(/\W/g, '_')}`, modfile });
}

/** The Go input fixture (fixtures/go-input, `gcount`) built against one fluent-bit-go version. */
export function buildGoInput(modfile = 'go.mod'): string {
  return buildGoPlugin(join(fixtures, 'go-input'), { name: `go-input-${modfile.replace(/\W/g, '_')}`, modfile });
}

/** The Go custom fixture (fixtures/go-custom, `gcustom`): no fluent-bit-go, the ABI by hand. */
export function buildGoCustom(): string {
  return buildGoPlugin(join(fixtures, 'go-custom'), { name: 'go-custom' });
}

/** One of the repository's example plugins (examples/go-plugins/<name>). */
export function buildExample(name: 'out_gstdout' | 'out_multiinstance' | 'out_counter'): string {
  return buildGoPlugin(join(repoRoot, 'examples', 'go-plugins', name), { name });
}

/** The C fixture in one variant (see fixtures/c/fixture_plugin.c), registered as `name`. */
export function buildCFixture(variant: string, name = `c_${variant.toLowerCase()}`): string {
  const source = join(fixtures, 'c', 'fixture_plugin.c');
  const key = hashOf([readFileSync(source), variant, name]);
  return cached(`c-${name}`, key, (out) => {
    execFileSync('cc', ['-shared', '-fPIC', '-O2', `-DVARIANT_${variant}`, `-DPLUGIN_NAME="${name}"`, '-o', out, source], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  });
}

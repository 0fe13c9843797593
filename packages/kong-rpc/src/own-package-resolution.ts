import Module, { register } from 'node:module';
import { fileURLToPath } from 'node:url';

const OWN = '@tributary/kong-rpc';
let installed = false;

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;

/**
 * Lets plugin files anywhere import or require `@tributary/kong-rpc` and get this server's own
 * copy when they have none of their own (a plugin directory needs no `npm install` for it), as a
 * copy they do have still wins. ESM imports go through a resolve hook; `require` (CommonJS
 * plugins, and `.ts` files outside an ESM package, which tsx loads as CommonJS) through
 * Node's CommonJS resolver, which Node 20 offers no public hook for. The package is ESM only:
 * a plain CommonJS plugin gets it with `await import('@tributary/kong-rpc')`.
 */
export function resolveOwnPackageForPlugins(): void {
  if (installed) return;
  installed = true;
  register(new URL('./own-package-hooks.js', import.meta.url), { data: { parentUrl: import.meta.url } });
  const resolver = Module as unknown as { _resolveFilename: ResolveFilename };
  const original = resolver._resolveFilename;
  resolver._resolveFilename = function (request, parent, isMain, options) {
    try {
      return original.call(this, request, parent, isMain, options);
    } catch (error) {
      const own = request === OWN || request.startsWith(`${OWN}/`);
      if (!own || (error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND') throw error;
      // The ESM build: tsx (which loads .ts plugins) requires it; plain Node 20 says a CommonJS
      // plugin must import() it (ERR_REQUIRE_ESM), which names the file.
      return fileURLToPath(import.meta.resolve(request));
    }
  };
}

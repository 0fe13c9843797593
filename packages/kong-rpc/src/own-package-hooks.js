// Module resolution hooks (node:module register) that let a plugin anywhere on disk import
// '@tributary/kong-rpc' without installing it: when the plugin's own lookup finds no copy, the
// server's own copy is resolved instead. Plain JavaScript: it runs on Node's hooks thread.
const OWN = '@tributary/kong-rpc';
let ownParentUrl;

export function initialize(data) {
  ownParentUrl = data.parentUrl;
}

export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    const own = specifier === OWN || specifier.startsWith(`${OWN}/`);
    if (!own || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return nextResolve(specifier, { ...context, parentURL: ownParentUrl });
  }
}

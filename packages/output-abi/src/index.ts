export { FLB_ERROR, FLB_OK, FLB_RETRY } from './abi.js';
export { eventFormatFor, fluentBitGoVersion } from './fluent-bit-go-version.js';
export { GoPluginHost, type GoPluginFile } from './go-plugin-host.js';
export { GoPluginError, GoPluginLibrary } from './go-plugin-library.js';
export { EVENT_FORMAT_PROPERTY, goOutputPlugin } from './go-output-plugin.js';

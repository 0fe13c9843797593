export { FLB_ERROR, FLB_OK, FLB_RETRY } from './abi.js';
export { chooseEventFormat, EVENT_FORMAT_PROPERTY, eventFormatFor, fluentBitGoVersion } from './fluent-bit-go-version.js';
export { GoPluginError, type GoPluginErrorCode } from './go-plugin-error.js';
export { GoPluginHost, type GoPluginFile } from './go-plugin-host.js';
export { GoPluginLibrary, type GoInputSymbols, type GoPluginKind, type GoPluginSymbols } from './go-plugin-library.js';
export { goCustomPlugin } from './go-custom-plugin.js';
export { goInputPlugin } from './go-input-plugin.js';
export { goOutputPlugin } from './go-output-plugin.js';

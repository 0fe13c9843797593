export { createKongInput } from './kong-input.js';
export { logShipperPlugin } from './log-shipper.js';
export { runSidecar, VERSION, type SidecarIo } from './run-sidecar.js';
export { parseSidecarOptions, USAGE, UsageError, type SidecarOptions } from './sidecar-options.js';

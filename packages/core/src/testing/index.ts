export { collectingOutput, type CollectedFlush } from './collecting-output.js';
export { manualInput } from './manual-input.js';
export { startInput } from './start-input.js';

export { splitStream } from './split-stream.js';

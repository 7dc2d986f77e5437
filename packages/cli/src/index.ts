export { EXIT, main, type MainOptions } from './main.js';
export type { Io, OutputStream } from './context.js';

export * from './dictionary-writer.js';
export * from './fixed-bit.js';
export * from './sorted-forward.js';
export * from './roaring-writer.js';
export * from './inverted-index-writer.js';
export * from './lz4-compress.js';
export * from './raw-forward.js';

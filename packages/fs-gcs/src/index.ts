import { GcsFileSystem } from './gcs-filesystem.js';

export { GcsFileSystem } from './gcs-filesystem.js';
export { parseGcsConfig, type GcsFsConfig } from './config.js';
export { toGcsError } from './errors.js';
export { locate, type GcsLocation } from './location.js';

/** The registry instantiates the default export for `gs:` URIs. */
export default GcsFileSystem;

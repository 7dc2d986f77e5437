import { LocalFileSystem } from './local-filesystem.js';

export { LocalFileSystem, toPath } from './local-filesystem.js';
export { DEFAULT_LOCAL_CONFIG, parseLocalConfig, type LocalFsConfig } from './config.js';
export { toLocalError } from './errors.js';

/** The registry instantiates the default export for `file:` URIs. */
export default LocalFileSystem;

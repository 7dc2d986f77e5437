import { HttpFileSystem } from './http-filesystem.js';

export { HttpFileSystem } from './http-filesystem.js';
export { parseHttpConfig, type HttpFsConfig } from './config.js';
export { fromStatus, fromNetworkError } from './errors.js';
export { parseMultistatus, type DavEntry } from './webdav.js';

/** The registry instantiates the default export for `http:` and `https:` URIs. */
export default HttpFileSystem;

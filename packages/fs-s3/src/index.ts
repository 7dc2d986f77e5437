import { S3FileSystem } from './s3-filesystem.js';

export { S3FileSystem } from './s3-filesystem.js';
export { parseS3Config, parseDataSize, type S3FsConfig } from './config.js';
export { toS3Error } from './errors.js';
export { locate, type S3Location } from './location.js';

/** The registry instantiates the default export for `s3:`, `s3a:` and `s3n:` URIs. */
export default S3FileSystem;

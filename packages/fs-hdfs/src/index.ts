import { HdfsFileSystem } from './hdfs-filesystem.js';

export { HdfsFileSystem } from './hdfs-filesystem.js';
export { parseHdfsConfig, type HdfsFsConfig } from './config.js';
export { fromRemoteException, type RemoteException } from './errors.js';

/** The registry instantiates the default export for `hdfs:` and `webhdfs:` URIs. */
export default HdfsFileSystem;

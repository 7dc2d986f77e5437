export { pushMetadataSegments, pushTarSegments, pushUriSegments, retryDelayMs, segmentDownloadUri, tableTypeOf, CustomHeaders, PUSH_DEFAULTS, RETRY_SCALE_FACTOR } from './push.js';
export { listSegmentsToPush, compilePathMatcher, pathsForMatching, TAR_GZ_FILE_EXT, METADATA_TAR_GZ_FILE_EXT } from './list.js';
export { PushError, redactText } from './errors.js';
export { extractMetadataFiles, writeMetadataTarball, metadataTarGzUri, METADATA_FILE_NAME, CREATION_META_FILE_NAME, type SegmentMetadataFiles } from './metadata-tarball.js';
export { SEGMENT_UPLOAD_PATH, uploadUrl } from './client.js';
export type { ListSegmentsOptions, PushOptions, PushResult, TableType, UploadType } from './types.js';

export type { SegmentWriter, FlushOptions } from './types.js';
export { GenericRow } from './generic-row.js';
export { FileBasedSegmentWriter, type FileBasedSegmentWriterOptions, type RowTransform } from './file-based-segment-writer.js';
export { parseWriterBatchConfig, type WriterBatchConfig } from './batch-config.js';
export { AvroBuffer, bufferSchema } from './avro-buffer.js';

export { buildSegment, buildSegmentFromFiles, openSegmentBuilder, type BuildFromFilesOptions, type BuildSegmentOptions, type Row } from './build.js';
export { planSegment, timeColumnChecks, type PlanOptions, type TimeColumnChecks } from './plan.js';
export { SegmentBuilder, RowError, type BuildOptions, type BuiltSegment, type SegmentLayoutPlan } from './segment-builder.js';
export type { ColumnStatistics } from './column-collector.js';

export { describeConformance, expectKind, AWKWARD_NAMES, type ConformanceTarget } from './suite.js';
export { patternBytes, patternStream, peakRssGrowth, readAll, sha256Of, slowStream } from './data.js';
export { TempDirs } from './temp-dirs.js';

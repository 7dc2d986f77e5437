import { describe, expect, it } from 'vitest';
import { compilePathMatcher as compilePathPattern } from '@deepstore/push';
import { parseJobSpec, renderTemplate } from '../src/job-spec.js';

const base = `
executionFrameworkSpec:
  name: standalone
  segmentGenerationJobRunnerClassName: org.apache.pinot.plugin.ingestion.batch.standalone.SegmentGenerationJobRunner
jobType: SegmentCreation
inputDirURI: 'file:///data/in/'
includeFileNamePattern: 'glob:**/*.csv'
outputDirURI: 'file:///data/out/'
pinotFSSpecs:
  - scheme: s3
    className: org.apache.pinot.plugin.filesystem.S3PinotFS
    configs:
      region: us-east-1
recordReaderSpec:
  dataFormat: csv
  className: org.apache.pinot.plugin.inputformat.csv.CSVRecordReader
  configClassName: org.apache.pinot.plugin.inputformat.csv.CSVRecordReaderConfig
  configs:
    delimiter: '|'
    header: 'a|b|c'
tableSpec:
  tableName: t
  schemaURI: 'file:///data/schema.json'
  tableConfigURI: 'file:///data/table.json'
`;

const errorOf = (text: string): string => {
  try {
    parseJobSpec(text, 'job.yaml');
  } catch (e) {
    return (e as Error).message;
  }
  return '(no error)';
};

describe('parseJobSpec', () => {
  it('reads a Pinot job spec, mapping Java class names to what runs here', () => {
    const spec = parseJobSpec(base, 'job.yaml');
    expect(spec.jobType).toBe('SegmentCreation');
    expect(spec.recordReader).toEqual({ format: 'csv', csv: { delimiter: '|', header: ['a', 'b', 'c'] } });
    expect(spec.fileSystems).toEqual([{ scheme: 's3', configs: { region: 'us-east-1' } }]);
    expect(spec.push).toEqual({ pushAttempts: 1, pushParallelism: 1, pushRetryIntervalMillis: 1000, copyToDeepStoreForMetadataPush: false });
    expect(spec.searchRecursively).toBe(true);
    expect(spec.overwriteOutput).toBe(false);
  });

  it.each([
    ['jobType: Nope', 'job.yaml: jobType: unknown job type "Nope"'],
    ['unknownKey: 1', 'job.yaml: unknownKey: unknown key'],
    ['executionFrameworkSpec:\n  segmentGenerationJobRunnerClassName: org.apache.pinot.plugin.ingestion.batch.spark3.SparkSegmentGenerationJobRunner', 'executionFrameworkSpec.segmentGenerationJobRunnerClassName: org.apache.pinot.plugin.ingestion.batch.spark3.SparkSegmentGenerationJobRunner cannot run here'],
    ['recordReaderSpec:\n  dataFormat: parquet', 'recordReaderSpec.dataFormat: parquet is not supported here'],
    ['recordReaderSpec:\n  className: com.example.MyReader', 'recordReaderSpec.className: com.example.MyReader is not a record reader deepstore knows'],
    ['pinotFSSpecs:\n  - scheme: s3\n    className: com.example.MyFS', 'pinotFSSpecs[0].className: com.example.MyFS for scheme s3 is not a file system deepstore knows'],
    ['includeFileNamePattern: "*.csv"', 'includeFileNamePattern: must start with glob: or regex:'],
    ['overwriteOutput: maybe', 'overwriteOutput: must be true or false'],
    ['jobType: SegmentCreationAndTarPush', 'pinotClusterSpecs: a SegmentCreationAndTarPush job needs at least one controllerURI'],
    ['pushJobSpec:\n  pushAttempts: 0', 'pushJobSpec.pushAttempts: must be an integer >= 1'],
    ['recordReaderSpec:\n  dataFormat: csv\n  configs:\n    delimitr: ","', 'recordReaderSpec.configs.delimitr: unknown CSV reader setting'],
  ])('names the file and the key: %s', (patch, message) => {
    // Later keys override earlier ones in a YAML mapping only if unique, so patch by replacement.
    const key = patch.split(':')[0] as string;
    const lines = base.split('\n');
    const start = lines.findIndex((l) => l.startsWith(`${key}:`));
    let text: string;
    if (start >= 0) {
      let end = start + 1;
      while (end < lines.length && /^\s/.test(lines[end] as string)) end++;
      text = [...lines.slice(0, start), patch, ...lines.slice(end)].join('\n');
    } else {
      text = `${base}\n${patch}\n`;
    }
    expect(errorOf(text)).toContain(message);
  });

  it('rejects YAML that does not parse, naming the file', () => {
    expect(errorOf('jobType: [unclosed')).toContain('job.yaml: not valid YAML');
  });

  it('renders ${name} placeholders from --values, and names a missing one', () => {
    expect(renderTemplate('inputDirURI: ${dir}', { dir: '/x' }, 'job.yaml')).toBe('inputDirURI: /x');
    expect(() => renderTemplate('x: ${nope_not_set}', {}, 'job.yaml')).toThrow('job.yaml: no value for ${nope_not_set}');
  });
});

describe('file name patterns (Java PathMatcher syntax)', () => {
  it.each([
    ['glob:**/*.csv', '/data/in/2026/a.csv', true],
    ['glob:**/*.csv', '/data/in/a.json', false],
    ['glob:/data/in/*.csv', '/data/in/sub/a.csv', false],
    ['glob:**/*.{csv,json}', '/x/a.json', true],
    ['glob:**/part-?.avro', '/x/part-1.avro', true],
    ['glob:**/[!_]*', '/x/_SUCCESS', false],
    ['regex:.*\\.csv', '/x/y.csv', true],
    ['regex:.*\\.csv', '/x/y.csv.gz', false],
  ])('%s on %s -> %s', (pattern, path, expected) => {
    expect(compilePathPattern(pattern)(path)).toBe(expected);
  });
});

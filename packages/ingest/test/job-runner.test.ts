import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { FileSystemRegistry } from '@deepstore/core';
import { openSegment } from '@deepstore/segment';
import { parseJobSpec } from '../src/job-spec.js';
import { runJob } from '../src/job-runner.js';

const root = mkdtempSync(join(tmpdir(), 'ds-ingest-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const schema = {
  schemaName: 'visits',
  dimensionFieldSpecs: [{ name: 'page', dataType: 'STRING' }],
  metricFieldSpecs: [{ name: 'hits', dataType: 'INT' }],
  dateTimeFieldSpecs: [{ name: 'day', dataType: 'INT', format: '1:DAYS:EPOCH', granularity: '1:DAYS' }],
};
const table = { tableName: 'visits', tableType: 'OFFLINE', segmentsConfig: { timeColumnName: 'day' }, tableIndexConfig: {} };
writeFileSync(join(root, 'schema.json'), JSON.stringify(schema));
writeFileSync(join(root, 'table.json'), JSON.stringify(table));

function inputs(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

function spec(input: string, output: string, extra = ''): string {
  return `
jobType: SegmentCreation
inputDirURI: '${pathToFileURL(input).href}'
includeFileNamePattern: 'glob:**/*.csv'
outputDirURI: '${pathToFileURL(output).href}'
recordReaderSpec:
  dataFormat: csv
tableSpec:
  tableName: visits
  schemaURI: '${pathToFileURL(join(root, 'schema.json')).href}'
  tableConfigURI: '${pathToFileURL(join(root, 'table.json')).href}'
${extra}`;
}

function listTree(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? listTree(join(dir, n), `${prefix}${n}/`) : [`${prefix}${n}`])).sort();
}

const registry = new FileSystemRegistry({ importers: [(s) => import(s)] });
afterAll(() => registry.close());

describe('runJob (SegmentCreation)', () => {
  it('builds one segment per file at the input-relative path, with per-directory sequence ids', async () => {
    const input = join(root, 'in1');
    const output = join(root, 'out1');
    inputs(input, {
      '2026/a.csv': 'page,hits,day\n/a,1,20000\n/b,2,20001\n',
      '2026/b.csv': 'page,hits,day\n/c,3,20002\n',
      '2027/c.csv': 'page,hits,day\n/d,4,20003\n',
      '2027/skip.json': '{}',
    });
    const report = await runJob(parseJobSpec(spec(input, output), 'job.yaml'), { registry, creationTime: 1_700_000_000_000 });
    expect(report.rows).toBe(4);
    expect(listTree(output)).toEqual(['2026/visits_OFFLINE_20000_20001_0.tar.gz', '2026/visits_OFFLINE_20002_20002_1.tar.gz', '2027/visits_OFFLINE_20003_20003_0.tar.gz']);
    const seg = await openSegment(join(output, '2026', 'visits_OFFLINE_20000_20001_0.tar.gz'));
    try {
      await seg.verifyCrc();
      expect(await seg.values('page')).toEqual(['/a', '/b']);
    } finally {
      await seg.close();
    }
  });

  it('splits the files across shards without overlap, keeping the whole job sequence ids', async () => {
    const input = join(root, 'in2');
    inputs(input, Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`f${i}.csv`, `page,hits,day\n/p${i},${i},${20000 + i}\n`])));
    const outs = await Promise.all(
      [0, 1].map(async (i) => {
        const output = join(root, `out2-${i}`);
        await runJob(parseJobSpec(spec(input, output), 'job.yaml'), { registry, shard: { index: i, count: 2 }, creationTime: 1 });
        return listTree(output);
      }),
    );
    expect(outs[0]).toEqual(['visits_OFFLINE_20000_20000_0.tar.gz', 'visits_OFFLINE_20002_20002_2.tar.gz', 'visits_OFFLINE_20004_20004_4.tar.gz']);
    expect(outs[1]).toEqual(['visits_OFFLINE_20001_20001_1.tar.gz', 'visits_OFFLINE_20003_20003_3.tar.gz']);
  });

  it('fails with the file and row of a bad value; with continueOnError it builds the rest and reports each failure', async () => {
    const input = join(root, 'in3');
    const output = join(root, 'out3');
    inputs(input, { 'good.csv': 'page,hits,day\n/a,1,20000\n', 'bad.csv': 'page,hits,day\n/b,1,20000\n/c,many,20000\n' });
    const job = parseJobSpec(spec(input, output), 'job.yaml');
    const err = await runJob(job, { registry }).catch((e: Error) => e);
    expect((err as Error).message).toContain('bad.csv');
    expect((err as Error).message).toContain('row 2');
    expect((err as Error).message).toContain('hits');
    const report = await runJob(job, { registry, continueOnError: true });
    const status = Object.fromEntries(report.files.map((f) => [f.input.split('/').pop(), f.status]));
    expect(status['bad.csv']).toBe('failed');
    // The first run's parallel task may already have written it (Pinot's runner lets running tasks finish).
    expect(['built', 'skipped']).toContain(status['good.csv']);
    expect(report.files.find((f) => f.status === 'failed')?.error).toContain('row 2');
  });

  it('keeps an existing output segment unless overwriteOutput', async () => {
    const input = join(root, 'in4');
    const output = join(root, 'out4');
    inputs(input, { 'a.csv': 'page,hits,day\n/a,1,20000\n' });
    const first = await runJob(parseJobSpec(spec(input, output), 'job.yaml'), { registry });
    expect(first.files[0]?.status).toBe('built');
    const again = await runJob(parseJobSpec(spec(input, output), 'job.yaml'), { registry });
    expect(again.files[0]?.status).toBe('skipped');
    const over = await runJob(parseJobSpec(spec(input, output, 'overwriteOutput: true'), 'job.yaml'), { registry });
    expect(over.files[0]?.status).toBe('built');
  });
});

describe('runJob with push', () => {
  it('SegmentCreationAndTarPush builds and pushes every segment; SegmentMetadataPush pushes what the output dir holds', async () => {
    const { startControllerPeer } = await import('@deepstore/peer-controller');
    const peer = await startControllerPeer({ tables: [{ tableName: 'visits', tableType: 'OFFLINE', timeColumnName: 'day' }], registry });
    try {
      const input = join(root, 'in5');
      const output = join(root, 'out5');
      inputs(input, { 'a.csv': 'page,hits,day\n/a,1,20000\n', 'b.csv': 'page,hits,day\n/b,2,20001\n' });
      const text = spec(input, output, `pinotClusterSpecs:\n  - controllerURI: '${peer.url}'\npushJobSpec:\n  pushAttempts: 2\n  pushRetryIntervalMillis: 10\n`).replace('jobType: SegmentCreation', 'jobType: SegmentCreationAndTarPush');
      const report = await runJob(parseJobSpec(text, 'job.yaml'), { registry });
      expect(report.pushed).toHaveLength(2);
      expect(peer.segments.map((s) => s.segmentName).sort()).toEqual(['visits_OFFLINE_20000_20000_0', 'visits_OFFLINE_20001_20001_1']);
      expect(peer.uploads.every((u) => u.uploadType === 'SEGMENT' || u.uploadType === undefined || u.status === 200)).toBe(true);

      const meta = text.replace('jobType: SegmentCreationAndTarPush', 'jobType: SegmentMetadataPush');
      const again = await runJob(parseJobSpec(meta, 'job.yaml'), { registry });
      expect(again.pushed).toHaveLength(2);
      expect(peer.uploads.filter((u) => u.uploadType === 'METADATA')).toHaveLength(2);
    } finally {
      await peer.stop();
    }
  });
});

describe('runJob with the schema and table config from the controller', () => {
  it('reads GET /tables/T/schema and GET /tables/T (its OFFLINE config) with the job\'s auth token; a wrong token fails naming the URI', async () => {
    const { startControllerPeer } = await import('@deepstore/peer-controller');
    const token = `Basic ${Buffer.from('admin:verysecret').toString('base64')}`;
    const peer = await startControllerPeer({
      tables: [{ tableName: 'visits', tableType: 'OFFLINE', timeColumnName: 'day', schema, config: { ...table, segmentsConfig: { timeColumnName: 'day', replication: '1' } } }],
      registry,
      auth: [{ token, tables: ['visits'] }],
    });
    try {
      const input = join(root, 'in6');
      const output = join(root, 'out6');
      inputs(input, { 'a.csv': 'page,hits,day\n/a,1,20000\n' });
      const text = (auth: string) =>
        spec(input, output, `pinotClusterSpecs:\n  - controllerURI: '${peer.url}'\nauthToken: '${auth}'\n`)
          .replace(/ {2}schemaURI: .*\n/, '')
          .replace(/ {2}tableConfigURI: .*\n/, '');
      const report = await runJob(parseJobSpec(text(token), 'job.yaml'), { registry });
      expect(report.files.map((f) => f.status)).toEqual(['built']);
      const seg = await openSegment(join(output, 'visits_OFFLINE_20000_20000_0.tar.gz'));
      try {
        expect(await seg.values('page')).toEqual(['/a']);
      } finally {
        await seg.close();
      }
      const wrong = `Basic ${Buffer.from('admin:nope').toString('base64')}`;
      const err = await runJob(parseJobSpec(text(wrong), 'job.yaml'), { registry }).catch((e: unknown) => e as Error);
      expect((err as Error).message).toContain(`cannot read the schema ${peer.url}/tables/visits/schema`);
      expect((err as Error).message).toContain('401');
      expect((err as Error).message).not.toContain('nope');
    } finally {
      await peer.stop();
    }
  });

  it('a table the controller does not know: the controller\'s 404 message, naming the URI', async () => {
    const { startControllerPeer } = await import('@deepstore/peer-controller');
    const peer = await startControllerPeer({ tables: [{ tableName: 'other', tableType: 'OFFLINE', schema, config: table }], registry });
    try {
      const input = join(root, 'in7');
      inputs(input, { 'a.csv': 'page,hits,day\n/a,1,20000\n' });
      const text = spec(input, join(root, 'out7'), `pinotClusterSpecs:\n  - controllerURI: '${peer.url}'\n`)
        .replace(/ {2}schemaURI: .*\n/, '')
        .replace(/ {2}tableConfigURI: .*\n/, '');
      const err = await runJob(parseJobSpec(text, 'job.yaml'), { registry }).catch((e: unknown) => e as Error);
      expect((err as Error).message).toContain(`cannot read the schema ${peer.url}/tables/visits/schema`);
      expect((err as Error).message).toContain('Schema not found for table: visits');
    } finally {
      await peer.stop();
    }
  });
});

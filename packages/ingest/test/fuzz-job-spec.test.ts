/**
 * Hostile-input fuzzing of the job spec parser: a valid SegmentGenerationJobSpec is mutated through its parsed object
 * (a value replaced by one of the wrong type, a key or list item deleted, an unknown key added, a string replaced by
 * an unknown name such as an Object.prototype one), serialized with `yaml`, and parsed; other cases garble the YAML
 * text itself (truncation, inserted characters, tabs, random text). The property: the spec parses, or parseJobSpec
 * throws an InvalidInputError (kind 'InvalidInput') whose message names job.yaml and a key path — the mutated key, a
 * parent or child of it, or a key the mutation made required — never another error type. Seeds are fixed (see
 * TESTING.md for the counts).
 */
import { InvalidInputError } from '@deepstore/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { parseJobSpec } from '../src/job-spec.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Seg = string | number;

const FULL = `
executionFrameworkSpec:
  name: standalone
  segmentGenerationJobRunnerClassName: org.apache.pinot.plugin.ingestion.batch.standalone.SegmentGenerationJobRunner
  segmentTarPushJobRunnerClassName: org.apache.pinot.plugin.ingestion.batch.standalone.SegmentTarPushJobRunner
jobType: SegmentCreationAndTarPush
inputDirURI: 'file:///data/in/'
includeFileNamePattern: 'glob:**/*.csv'
excludeFileNamePattern: 'regex:.*skip.*'
searchRecursively: true
outputDirURI: 's3://bucket/out/'
overwriteOutput: true
segmentCreationJobParallelism: 2
pinotFSSpecs:
  - scheme: file
    className: org.apache.pinot.spi.filesystem.LocalPinotFS
  - scheme: s3
    className: org.apache.pinot.plugin.filesystem.S3PinotFS
    configs:
      region: us-east-1
      endpoint: 'http://localhost:9000'
recordReaderSpec:
  dataFormat: csv
  className: org.apache.pinot.plugin.inputformat.csv.CSVRecordReader
  configClassName: org.apache.pinot.plugin.inputformat.csv.CSVRecordReaderConfig
  configs:
    delimiter: '|'
    header: 'a|b|c'
    multiValueDelimiter: ';'
    skipHeader: 'false'
tableSpec:
  tableName: t
  schemaURI: 'file:///data/schema.json'
  tableConfigURI: 'file:///data/table.json'
segmentNameGeneratorSpec:
  type: simple
  configs:
    segment.name.prefix: t
pinotClusterSpecs:
  - controllerURI: 'http://localhost:9000'
pushJobSpec:
  pushAttempts: 2
  pushParallelism: 1
  pushRetryIntervalMillis: 500
  copyToDeepStoreForMetadataPush: false
  segmentUriPrefix: 's3://bucket'
failOnEmptySegment: true
authToken: 'Basic abc'
`;

/** The minimal creation-only spec (no controller): tableSpec URIs and recordReaderSpec become required. */
const MINIMAL = `
jobType: SegmentCreation
inputDirURI: 'file:///data/in/'
outputDirURI: 'file:///data/out/'
recordReaderSpec:
  dataFormat: json
tableSpec:
  tableName: t
  schemaURI: 'file:///data/schema.json'
  tableConfigURI: 'file:///data/table.json'
`;

const WRONG_VALUES: Json[] = [0, -1, 1.5, 2 ** 40, '', 'x', 'true', 'null', [], [1], ['a', null], {}, { a: 1 }, null, true, false];
const ODD_STRINGS = ['UNKNOWN', 'csv ', 'CSV', 'parquet', 'segmentcreation', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'glob', 'regex:', '*.csv', '-1', '1.5', '~', 'null', 'a: b'];
const ODD_KEYS = ['unknownKey', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a b', 'x.y', ''];

function pathText(path: readonly Seg[]): string {
  let s = '';
  for (const seg of path) s += typeof seg === 'number' ? `[${seg}]` : s === '' ? seg : `.${seg}`;
  return s;
}

function slots(doc: Json, prefix: Seg[] = [], out: Seg[][] = []): Seg[][] {
  if (Array.isArray(doc)) {
    doc.forEach((v, i) => {
      out.push([...prefix, i]);
      slots(v, [...prefix, i], out);
    });
  } else if (doc !== null && typeof doc === 'object') {
    for (const k of Object.keys(doc)) {
      out.push([...prefix, k]);
      slots(doc[k]!, [...prefix, k], out);
    }
  }
  return out;
}

function objects(doc: Json, prefix: Seg[] = [], out: Seg[][] = []): Seg[][] {
  if (Array.isArray(doc)) doc.forEach((v, i) => objects(v, [...prefix, i], out));
  else if (doc !== null && typeof doc === 'object') {
    out.push(prefix);
    for (const k of Object.keys(doc)) objects(doc[k]!, [...prefix, k], out);
  }
  return out;
}

function at(doc: Json, path: readonly Seg[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = Array.isArray(cur) ? cur[seg as number] : Object.hasOwn(cur, seg) ? cur[seg as string] : undefined;
  }
  return cur;
}

function setOwn(o: Json[] | { [k: string]: Json }, key: Seg, value: Json): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

interface Mutation {
  kind: 'replace' | 'delete' | 'addKey' | 'oddString';
  pick: number;
  value: Json;
  key: string;
  str: string;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<Mutation['kind']>('replace', 'replace', 'delete', 'delete', 'addKey', 'oddString', 'oddString'),
  pick: fc.nat(),
  value: fc.oneof(fc.constantFrom(...WRONG_VALUES), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>),
  // Keys without ': ' so that the path can be read back from "job.yaml: <path>: <what>".
  key: fc.oneof(fc.constantFrom(...ODD_KEYS), fc.string({ maxLength: 6 }).filter((k) => !k.includes(':'))),
  str: fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...ODD_STRINGS) }, fc.string({ maxLength: 8 })),
});

function mutate(doc: Json, mutation: Mutation): Seg[] {
  const m = { ...mutation, value: structuredClone(mutation.value) };
  if (m.kind === 'addKey') {
    const objs = objects(doc);
    const p = objs[m.pick % objs.length]!;
    setOwn(at(doc, p) as { [k: string]: Json }, m.key, m.value);
    return [...p, m.key];
  }
  let all = slots(doc);
  if (m.kind === 'oddString') {
    const strs = all.filter((p) => typeof at(doc, p) === 'string');
    if (strs.length > 0) all = strs;
  }
  if (all.length === 0) return [];
  const p = all[m.pick % all.length]!;
  const parent = at(doc, p.slice(0, -1)) as Json[] | { [k: string]: Json };
  const key = p[p.length - 1]!;
  if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  } else setOwn(parent, key, m.kind === 'oddString' && typeof at(doc, p) === 'string' ? m.str : m.value);
  return p;
}

function isPrefix(a: string, b: string): boolean {
  return a === '(document)' || b === a || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);
}

/** Keys a mutation elsewhere can make required (jobType decides what a job needs). */
const REQUIRED_BY_OTHERS = new Set(['recordReaderSpec', 'pinotClusterSpecs', 'tableSpec', 'inputDirURI', 'recordReaderSpec.dataFormat', 'recordReaderSpec.configClassName']);

interface Tally {
  cases: number;
  parsed: number;
  rejectedAtPath: number;
  rejectedCrossRef: number;
  notYaml: number;
}
const tallies: Record<string, Tally> = {};
afterAll(() => {
  for (const [name, t] of Object.entries(tallies)) console.log(`fuzz-job-spec ${name}: ${JSON.stringify(t)}`);
});

/** Parses; returns the InvalidInputError's key path, or undefined when the spec parsed. */
function parseOrPath(text: string): string | undefined {
  let err: unknown;
  try {
    const spec = parseJobSpec(text, 'job.yaml');
    // Whatever parsed must be usable: a record reader format this package has.
    if (spec.recordReader) expect(['csv', 'json', 'avro']).toContain(spec.recordReader.format);
    return undefined;
  } catch (e) {
    err = e;
  }
  expect(err, `${String(err)}\n${text}`).toBeInstanceOf(InvalidInputError);
  const e = err as InvalidInputError;
  expect(e.kind).toBe('InvalidInput');
  const m = /^ingest: job\.yaml: (.*?): /s.exec(e.message);
  expect(m, e.message).not.toBeNull();
  return m![1]!;
}

/** Object.prototype names that src/job-spec.ts looks up in its plain-object tables (the Object.prototype-name tests below). */
const PROTO_NAMES = new Set(['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']);
function knownBug(doc: Json): boolean {
  const lists = [at(doc, ['pinotFSSpecs']), at(doc, ['pinotClusterSpecs'])];
  if (lists.some((l) => Array.isArray(l) && l.some((x) => x === null))) return true;
  const fs = at(doc, ['pinotFSSpecs']);
  if (Array.isArray(fs) && fs.some((x) => x !== null && typeof x === 'object' && !Array.isArray(x) && PROTO_NAMES.has(String(x.className)))) return true;
  return PROTO_NAMES.has(String(at(doc, ['recordReaderSpec', 'className']))) || PROTO_NAMES.has(String(at(doc, ['recordReaderSpec', 'dataFormat'])));
}

function checkObjects(name: string, base: string, seed: number, numRuns: number): void {
  const t: Tally & { knownBug: number } = { cases: 0, parsed: 0, rejectedAtPath: 0, rejectedCrossRef: 0, notYaml: 0, knownBug: 0 };
  tallies[name] = t;
  const baseDoc = parseYaml(base) as Json;
  expect(parseOrPath(base)).toBeUndefined();
  fc.assert(
    fc.property(fc.array(mutationArb, { minLength: 1, maxLength: 3 }), (mutations) => {
      t.cases++;
      const doc = structuredClone(baseDoc);
      const touched = mutations.map((m) => pathText(mutate(doc, m)));
      if (knownBug(doc)) {
        t.knownBug++;
        return;
      }
      const text = toYaml(doc);
      const path = parseOrPath(text);
      if (path === undefined) t.parsed++;
      else if (touched.some((p) => isPrefix(path, p) || isPrefix(p, path))) t.rejectedAtPath++;
      else {
        // Or a sibling check (pinotFSSpecs[1].className vs a changed scheme), or a key made required elsewhere.
        const parent = /^(.+)(\.[^.[\]]+|\[\d+\])$/.exec(path)?.[1];
        const sibling = parent !== undefined && touched.some((p) => isPrefix(parent, p));
        expect(sibling || REQUIRED_BY_OTHERS.has(path) || touched.some((p) => p === 'jobType'), `${path}\ntouched ${touched.join(', ')}\n${text}`).toBe(true);
        t.rejectedCrossRef++;
      }
    }),
    { seed, numRuns },
  );
}

function yamlOrNull(text: string): Json {
  try {
    return parseYaml(text, { logLevel: 'silent' }) as Json;
  } catch {
    return null;
  }
}

const textMutationArb = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), pos: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), pos: fc.nat(), s: fc.oneof(fc.constantFrom(':', '- ', '\t', '\n  ', '{', '[', '"', "'", '&a', '*a', '!!binary ', '%YAML 1.1\n', '---\n', '? ', '|', '>', '#', '\u0000', '\uFEFF'), fc.string({ maxLength: 6 })) }),
  fc.record({ kind: fc.constant('replace' as const), pos: fc.nat(), s: fc.string({ maxLength: 40 }) }),
);

describe('parseJobSpec under mutated specs', () => {
  it('full spec (creation + tar push): parses or throws InvalidInputError naming job.yaml and the key', () => {
    checkObjects('full spec', FULL, 0x10b01, 4000);
  });

  it('minimal creation spec: parses or throws InvalidInputError naming job.yaml and the key', () => {
    checkObjects('minimal spec', MINIMAL, 0x10b02, 2000);
  });

  it('garbled YAML text: parses or throws InvalidInputError naming job.yaml', () => {
    const t: Tally & { knownBug: number } = { cases: 0, parsed: 0, rejectedAtPath: 0, rejectedCrossRef: 0, notYaml: 0, knownBug: 0 };
    tallies['garbled text'] = t;
    fc.assert(
      fc.property(fc.array(textMutationArb, { minLength: 1, maxLength: 3 }), (muts) => {
        t.cases++;
        let text = FULL;
        for (const m of muts) {
          const pos = m.pos % (text.length + 1);
          text = m.kind === 'truncate' ? text.slice(0, pos) : m.kind === 'insert' ? text.slice(0, pos) + m.s + text.slice(pos) : m.s;
        }
        if (knownBug(yamlOrNull(text))) {
          t.knownBug++;
          return;
        }
        const path = parseOrPath(text);
        if (path === undefined) t.parsed++;
        else if (path === 'not valid YAML') t.notYaml++;
        else t.rejectedAtPath++;
      }),
      { seed: 0x10b03, numRuns: 1500 },
    );
  });

  // Bugs found (src/job-spec.ts). Inputs that trigger them are counted as knownBug above and left out of the property.
  const withFs = (fs: string): string => MINIMAL.replace('jobType: SegmentCreation', `jobType: SegmentCreation\npinotFSSpecs:\n${fs}`);

  // obj(null) returns undefined and str(undefined, 'scheme', ...) reads a property of it.
  it('a null pinotFSSpecs item is an InvalidInputError (not a TypeError)', () => {
    expect(() => parseJobSpec(withFs('  - null'), 'job.yaml')).toThrow(InvalidInputError);
  });

  // Same for pinotClusterSpecs: obj(c) as Obj, then str(undefined, 'controllerURI', ...).
  it('a null pinotClusterSpecs item is an InvalidInputError (not a TypeError)', () => {
    expect(() => parseJobSpec(`${MINIMAL}pinotClusterSpecs:\n  - null\n`, 'job.yaml')).toThrow(InvalidInputError);
  });

  // FILE_SYSTEMS[cls] walks Object.prototype: className "constructor" gives Object, and Object.includes is not a function.
  it('an Object.prototype name as pinotFSSpecs className is an InvalidInputError (not a TypeError)', () => {
    expect(() => parseJobSpec(withFs('  - scheme: file\n    className: constructor'), 'job.yaml')).toThrow(InvalidInputError);
  });

  // RECORD_READERS[cls] / DATA_FORMATS[fmt] walk Object.prototype: the spec is accepted with a function as its format.
  it.each([
    ['className: toString', 'toString'],
    ['dataFormat: constructor', 'constructor'],
  ])('recordReaderSpec %s is refused', (line) => {
    expect(() => parseJobSpec(MINIMAL.replace('dataFormat: json', line), 'job.yaml')).toThrow(InvalidInputError);
  });
});

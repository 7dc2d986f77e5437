import { SegmentFormatError } from './errors.js';
import { type Properties, recoverPinotPropertyValue, unescape } from './properties.js';

export interface ColumnMetadata {
  name: string;
  dataType: string;
  columnType: string;
  isSingleValue: boolean;
  cardinality: number;
  totalDocs: number;
  bitsPerElement: number;
  hasDictionary: boolean;
  /** `forwardIndexEncoding` (newer Pinot): RAW with a dictionary is a raw forward index beside a dictionary. */
  forwardIndexEncoding: 'DICTIONARY' | 'RAW';
  isSorted: boolean;
  minValue?: string;
  maxValue?: string;
  /** `dictionaryElementSize` (newer) or `lengthOfEachEntry` (older): fixed STRING/BYTES dictionary entry width. */
  dictionaryElementSize: number;
  maxNumberOfMultiValues: number;
  totalNumberOfEntries: number;
  defaultNullValue?: string;
}

export interface SegmentMetadata {
  name: string;
  tableName?: string;
  totalDocs: number;
  timeColumn?: string;
  timeUnit?: string;
  startTime?: string;
  endTime?: string;
  indexVersion?: string;
  /** The STRING dictionary padding character (Pinot: '%' when the key is absent, the legacy default). */
  paddingCharacter: string;
  dimensionColumns: string[];
  metricColumns: string[];
  dateTimeColumns: string[];
  /** Columns in the order their keys first appear. */
  columns: Map<string, ColumnMetadata>;
  properties: Properties;
}

/** Pinot's legacy padding default for segments without `segment.padding.character`. */
export const LEGACY_STRING_PAD_CHAR = '%';

function int(props: Properties, key: string, fallback?: number): number {
  const v = props.get(key);
  if (v === undefined || v.trim() === '') {
    if (fallback !== undefined) return fallback;
    throw new SegmentFormatError(`metadata.properties: missing ${key}`);
  }
  const n = Number(v.trim());
  // Every integer read here is a count or a size.
  if (!Number.isSafeInteger(n) || n < 0) throw new SegmentFormatError(`metadata.properties: ${key} is not a count: '${v}'`);
  return n;
}

function bool(props: Properties, key: string, fallback: boolean): boolean {
  const v = props.get(key);
  return v === undefined ? fallback : v.trim().toLowerCase() === 'true';
}

/**
 * Resolves the padding character as pre-1.x Pinot's SegmentMetadataImpl did:
 * `StringEscapeUtils.unescapeJava(value).charAt(0)`, '%' when absent. (The `paddingNull`
 * fixture stores `\\u0000`, i.e. the literal text `\u0000` after Commons unescaping.)
 */
export function resolvePaddingCharacter(props: Properties): string {
  const v = props.get('segment.padding.character');
  if (v === undefined) return LEGACY_STRING_PAD_CHAR;
  const c = unescape(v, false);
  if (c.length === 0) throw new SegmentFormatError('metadata.properties: empty segment.padding.character');
  return c[0] as string;
}

export function parseSegmentMetadata(props: Properties): SegmentMetadata {
  const name = props.get('segment.name');
  if (name === undefined) throw new SegmentFormatError('metadata.properties: missing segment.name');
  const columnNames: string[] = [];
  for (const key of props.keys()) {
    const m = /^column\.(.+)\.([^.]+)$/.exec(key);
    if (m && !columnNames.includes(m[1] as string)) columnNames.push(m[1] as string);
  }
  const columns = new Map<string, ColumnMetadata>();
  for (const col of columnNames) {
    const k = (s: string) => `column.${col}.${s}`;
    const dataType = props.get(k('dataType'));
    if (dataType === undefined) continue; // partition or other sub-keys without a column definition
    const minRaw = props.get(k('minValue'));
    const maxRaw = props.get(k('maxValue'));
    const c: ColumnMetadata = {
      name: col,
      dataType: dataType.trim(),
      columnType: (props.get(k('columnType')) ?? 'DIMENSION').trim(),
      isSingleValue: bool(props, k('isSingleValues'), true),
      cardinality: int(props, k('cardinality')),
      totalDocs: int(props, k('totalDocs'), 0),
      bitsPerElement: int(props, k('bitsPerElement'), 0),
      hasDictionary: bool(props, k('hasDictionary'), true),
      forwardIndexEncoding:
        props.get(k('forwardIndexEncoding'))?.trim().toUpperCase() === 'RAW' || !bool(props, k('hasDictionary'), true) ? 'RAW' : 'DICTIONARY',
      isSorted: bool(props, k('isSorted'), false),
      dictionaryElementSize: props.has(k('dictionaryElementSize'))
        ? int(props, k('dictionaryElementSize'))
        : int(props, k('lengthOfEachEntry'), 0),
      maxNumberOfMultiValues: int(props, k('maxNumberOfMultiValues'), 0),
      totalNumberOfEntries: int(props, k('totalNumberOfEntries'), 0),
    };
    if (minRaw !== undefined) c.minValue = recoverPinotPropertyValue(minRaw);
    if (maxRaw !== undefined) c.maxValue = recoverPinotPropertyValue(maxRaw);
    const dnv = props.get(k('defaultNullValue'));
    if (dnv !== undefined) c.defaultNullValue = dnv;
    columns.set(col, c);
  }
  const md: SegmentMetadata = {
    name,
    totalDocs: int(props, 'segment.total.docs'),
    paddingCharacter: resolvePaddingCharacter(props),
    dimensionColumns: props.getList('segment.dimension.column.names'),
    metricColumns: props.getList('segment.metric.column.names'),
    dateTimeColumns: props.getList('segment.datetime.column.names'),
    columns,
    properties: props,
  };
  const opt = (key: string) => {
    const v = props.get(key);
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const table = opt('segment.table.name');
  if (table !== undefined) md.tableName = table;
  const tc = opt('segment.time.column.name');
  if (tc !== undefined) md.timeColumn = tc;
  const tu = opt('segment.time.unit');
  if (tu !== undefined) md.timeUnit = tu;
  const st = opt('segment.start.time');
  if (st !== undefined) md.startTime = st;
  const et = opt('segment.end.time');
  if (et !== undefined) md.endTime = et;
  const iv = opt('segment.index.version');
  if (iv !== undefined) md.indexVersion = iv;
  return md;
}

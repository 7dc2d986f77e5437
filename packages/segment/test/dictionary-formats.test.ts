import { describe, expect, it } from 'vitest';
import { buildDictionary, readDictionary, type ColumnMetadata } from '@deepstore/segment';

const column = (over: Partial<ColumnMetadata>): ColumnMetadata => ({
  name: 'c',
  dataType: 'STRING',
  columnType: 'DIMENSION',
  isSingleValue: true,
  cardinality: 0,
  totalDocs: 0,
  bitsPerElement: 1,
  hasDictionary: true,
  isSorted: false,
  dictionaryElementSize: 0,
  maxNumberOfMultiValues: 0,
  totalNumberOfEntries: 0,
  ...over,
});

describe('dictionary formats', () => {
  it('reads a var-length STRING dictionary whose metadata still records the longest entry width', () => {
    const values = ['b', 'alpha', 'ü-umlaut', 'zz'];
    const dict = buildDictionary('STRING', values, { varLength: true });
    // Pinot writes dictionaryElementSize = longest entry in bytes even for the var-length format.
    const col = column({ cardinality: dict.values.length, dictionaryElementSize: Math.max(...values.map((v) => Buffer.byteLength(v))) });
    expect(readDictionary(Buffer.from(dict.bytes), col, '\0')).toEqual(dict.values);
  });
  it('still reads a fixed-width STRING dictionary whose first entry starts with ".vl;"', () => {
    const values = ['.vl;abcdefghijklmnop', '.vl;b'];
    const dict = buildDictionary('STRING', values);
    const col = column({ cardinality: dict.values.length, dictionaryElementSize: dict.elementSize });
    expect(readDictionary(Buffer.from(dict.bytes), col, '\0')).toEqual(dict.values);
  });
});

import { SegmentFormatError } from './errors.js';
import { parseProperties } from './properties.js';

export interface IndexMapEntry {
  column: string;
  /** Pinot index id: `dictionary`, `forward_index`, `inverted_index`, ... */
  indexId: string;
  /** Offset in columns.psf of the entry (its magic marker). */
  startOffset: number;
  /** Size in bytes, including the 8-byte magic marker. */
  size: number;
}

/** Parses a v3 `index_map` file (`<col>.<indexId>.startOffset/size`), in file order. */
export function parseIndexMap(text: string): IndexMapEntry[] {
  const props = parseProperties(text);
  const byKey = new Map<string, Partial<IndexMapEntry>>();
  const order: string[] = [];
  for (const { key, raw } of props.entries) {
    const m = /^(.+)\.([^.]+)\.(startOffset|size)$/.exec(key);
    if (!m) throw new SegmentFormatError(`index_map: unexpected key '${key}'`);
    const [, column, indexId, field] = m as unknown as [string, string, string, string];
    const id = `${column}\u0000${indexId}`;
    let e = byKey.get(id);
    if (!e) {
      e = { column, indexId };
      byKey.set(id, e);
      order.push(id);
    }
    if (!/^\d+$/.test(raw.trim())) throw new SegmentFormatError(`index_map: ${key} is not a number: '${raw}'`);
    const n = Number(raw.trim());
    if (!Number.isSafeInteger(n)) throw new SegmentFormatError(`index_map: ${key} is too large: '${raw}'`);
    if (field === 'startOffset') e.startOffset = n;
    else e.size = n;
  }
  return order.map((id) => {
    const e = byKey.get(id) as Partial<IndexMapEntry>;
    if (e.startOffset === undefined || e.size === undefined) {
      throw new SegmentFormatError(
        `index_map: ${e.column}.${e.indexId} lacks ${e.startOffset === undefined ? 'startOffset' : 'size'}`,
      );
    }
    return e as IndexMapEntry;
  });
}

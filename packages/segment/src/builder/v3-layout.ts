import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Adler32 } from '../crc.js';
import { PSF_MAGIC } from '../columns-psf.js';
import { PropertiesWriter } from '../writer/properties-writer.js';
import { PositionalWriter } from './file-writers.js';

/** Index ids in the order Pinot's IndexService lists them (sorted by id). */
export const INDEX_IDS_IN_ORDER = ['dictionary', 'forward_index', 'inverted_index', 'nullvalue_vector'] as const;

export interface V1Column {
  column: string;
  /** index id -> v1 file name inside v1Dir */
  files: Map<string, string>;
}

export interface V3Result {
  dir: string;
  crc: number;
  dataCrc: number;
  creationTime: number;
}

const READ_CHUNK = 1 << 20;

function javaCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Streams a file through `sink` in 1 MiB pieces. */
function streamFile(file: string, sink: (chunk: Buffer) => void): number {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(READ_CHUNK);
  let total = 0;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      sink(buf.subarray(0, n));
      total += n;
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

/**
 * What SegmentV1V2ToV3FormatConverter and BaseSegmentCreator.seal do after the v1 files exist:
 * the data CRC over the v1 `.fwd`/`.dict` files (sorted by path), `columns.psf` with every index
 * buffer behind the 0xDEADBEEFDEAFBEAD marker (columns in String order, index ids sorted),
 * `index_map`, `metadata.properties` plus `segment.index.version = v3`, then the CRC over the v3
 * files (columns.psf, index_map, metadata.properties) and `creation.meta`.
 */
export async function writeV3Segment(opts: {
  v1Dir: string;
  columns: V1Column[];
  metadata: PropertiesWriter;
  segmentDir: string;
  creationTime: number;
}): Promise<V3Result> {
  const { v1Dir } = opts;
  const v3Dir = join(opts.segmentDir, 'v3');
  await mkdir(v3Dir, { recursive: true });

  // Data CRC: CrcUtils.computeDataCrc on the v1 directory.
  const all: string[] = [];
  for (const c of opts.columns) for (const f of c.files.values()) all.push(f);
  const dataFiles = all.filter((f) => f.endsWith('.fwd') || f.endsWith('.dict')).sort(javaCompare);
  const dataCrc = new Adler32();
  for (const f of dataFiles) streamFile(join(v1Dir, f), (b) => dataCrc.update(b));

  const crc = new Adler32();
  const psfFd = openSync(join(v3Dir, 'columns.psf'), 'w');
  const indexMap = new PropertiesWriter();
  try {
    const w = new PositionalWriter(psfFd, 0);
    const magic = Buffer.alloc(8);
    magic.writeBigUInt64BE(PSF_MAGIC);
    let offset = 0;
    const columns = [...opts.columns].sort((a, b) => javaCompare(a.column, b.column));
    for (const c of columns) {
      for (const id of INDEX_IDS_IN_ORDER) {
        const file = c.files.get(id);
        if (file === undefined) continue;
        w.bytes(magic);
        crc.update(magic);
        const size = streamFile(join(v1Dir, file), (b) => {
          w.bytes(b);
          crc.update(b);
        });
        indexMap.set(`${c.column}.${id}.startOffset`, offset);
        indexMap.set(`${c.column}.${id}.size`, size + 8);
        offset += size + 8;
      }
    }
    w.flush();
  } finally {
    closeSync(psfFd);
  }
  const indexMapBytes = indexMap.toBuffer();
  writeFileSync(join(v3Dir, 'index_map'), indexMapBytes);
  crc.update(indexMapBytes);
  opts.metadata.set('segment.index.version', 'v3');
  const metadataV3 = opts.metadata.toBuffer();
  writeFileSync(join(v3Dir, 'metadata.properties'), metadataV3);
  crc.update(metadataV3);

  const meta = Buffer.alloc(24);
  meta.writeBigInt64BE(BigInt(crc.value()), 0);
  meta.writeBigInt64BE(BigInt(opts.creationTime), 8);
  meta.writeBigInt64BE(BigInt(dataCrc.value()), 16);
  writeFileSync(join(v3Dir, 'creation.meta'), meta);
  return { dir: opts.segmentDir, crc: crc.value(), dataCrc: dataCrc.value(), creationTime: opts.creationTime };
}

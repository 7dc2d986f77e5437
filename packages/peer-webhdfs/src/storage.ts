/**
 * The datanode's storage: one file per HDFS file (named by inode id) under <directory>/blocks,
 * written and read as streams. Also the MD5-of-MD5-of-CRC32C file checksum HDFS computes.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

export class BlockStore {
  readonly blocksDir: string;

  constructor(readonly directory: string) {
    this.blocksDir = path.join(directory, 'blocks');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.blocksDir, { recursive: true });
  }

  pathOf(fileId: number): string {
    return path.join(this.blocksDir, String(fileId));
  }

  /** Opens a file's data for writing: truncated for CREATE, at the end for APPEND. */
  async openForWrite(fileId: number, append: boolean): Promise<fs.FileHandle> {
    return fs.open(this.pathOf(fileId), append ? 'a' : 'w');
  }

  /** Opens a file's data for reading; a file that never received a byte may have no data yet. */
  async openForRead(fileId: number): Promise<fs.FileHandle | undefined> {
    try {
      return await fs.open(this.pathOf(fileId), 'r');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async remove(fileId: number): Promise<void> {
    await fs.rm(this.pathOf(fileId), { force: true });
  }

  /** Removes data files no inode refers to (after loading an image). */
  async prune(liveIds: Set<number>): Promise<void> {
    for (const name of await fs.readdir(this.blocksDir)) {
      if (!liveIds.has(Number(name))) await fs.rm(path.join(this.blocksDir, name), { force: true });
    }
  }

  /**
   * MD5MD5CRC32CastagnoliFileChecksum, as DFSClient.getFileChecksum computes it for a replicated
   * file: CRC32C of every 512-byte chunk; per block, the MD5 of the concatenated big-endian CRCs;
   * for the file, the MD5 of the block MD5s as they sit in a growing DataOutputBuffer (Hadoop digests
   * the whole backing array, zero padding included: 32 bytes, doubling). crcPerBlock is only
   * reported for files of more than one block. An empty file has no blocks and reports
   * "MD5-of-0MD5-of-0CRC32" over 32 zero bytes.
   */
  async checksum(fileId: number, length: number, blockSize: number): Promise<{ algorithm: string; bytes: string; length: number }> {
    const blockMd5s: Buffer[] = [];
    const bytesPerCrc = 512;
    if (length > 0) {
      let blockHash = createHash('md5');
      let inBlock = 0;
      let chunk = Buffer.alloc(bytesPerCrc);
      let inChunk = 0;
      const crcBytes = Buffer.alloc(4);
      const flushChunk = (): void => {
        crcBytes.writeUInt32BE(crc32c(chunk.subarray(0, inChunk)));
        blockHash.update(crcBytes);
        inChunk = 0;
      };
      const stream = createReadStream(this.pathOf(fileId), { start: 0, end: length - 1, highWaterMark: 1 << 20 });
      for await (const data of stream as AsyncIterable<Buffer>) {
        let off = 0;
        while (off < data.length) {
          const take = Math.min(data.length - off, bytesPerCrc - inChunk, blockSize - inBlock);
          data.copy(chunk, inChunk, off, off + take);
          inChunk += take;
          inBlock += take;
          off += take;
          if (inChunk === bytesPerCrc || inBlock === blockSize) flushChunk();
          if (inBlock === blockSize) {
            blockMd5s.push(blockHash.digest());
            blockHash = createHash('md5');
            inBlock = 0;
          }
        }
      }
      if (inChunk > 0) flushChunk();
      if (inBlock > 0) blockMd5s.push(blockHash.digest());
      chunk = Buffer.alloc(0);
    }
    let capacity = 32;
    while (capacity < blockMd5s.length * 16) capacity *= 2;
    const buffer = Buffer.alloc(capacity);
    blockMd5s.forEach((md5, i) => md5.copy(buffer, i * 16));
    const fileMd5 = createHash('md5').update(buffer).digest();
    const empty = blockMd5s.length === 0;
    const crcPerBlock = blockMd5s.length > 1 ? blockSize / bytesPerCrc : 0;
    const header = Buffer.alloc(12);
    header.writeInt32BE(empty ? 0 : bytesPerCrc, 0);
    header.writeBigInt64BE(BigInt(crcPerBlock), 4);
    const bytes = Buffer.concat([header, fileMd5]);
    return {
      algorithm: `MD5-of-${crcPerBlock}MD5-of-${empty ? 0 : bytesPerCrc}${empty ? 'CRC32' : 'CRC32C'}`,
      bytes: bytes.toString('hex'),
      length: bytes.length,
    };
  }
}

const CRC32C_TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/** CRC-32C (Castagnoli), the checksum HDFS stores per 512-byte chunk by default. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = CRC32C_TABLE[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// Test helpers: tarballs built by hand (so hostile ones can be made) and by the system's tar.
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';

export const run = promisify(execFile);
export const MiB = 1 << 20;

export interface TarEntry {
  name: string;
  /** Type flag: '0' file (default), '5' directory, '1' hard link, '2' symlink, '3' char device, '4' block device, '6' FIFO. */
  type?: string;
  data?: Buffer | string;
  linkname?: string;
  /** Size written in the header (default: the data's length). */
  size?: number;
  mode?: number;
}

function octal(n: number, width: number): string {
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

/** One 512-byte ustar header, checksummed. Names up to 100 bytes (longer ones go in a pax header). */
export function tarHeader(e: TarEntry, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(e.name, 0, 100, 'utf8');
  h.write(octal(e.mode ?? (e.type === '5' ? 0o755 : 0o644), 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(1_767_225_600, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(e.type ?? '0', 156, 'ascii');
  if (e.linkname) h.write(e.linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  if (e.type === '3' || e.type === '4') {
    h.write(octal(1, 8), 329, 'ascii');
    h.write(octal(3, 8), 337, 'ascii');
  }
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** A tar stream of the entries (long names through a pax 'x' header), ended by two zero blocks. */
export function tarBytes(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  const pad = (n: number) => Buffer.alloc((512 - (n % 512)) % 512);
  for (let e of entries) {
    if (Buffer.byteLength(e.name) > 100) {
      const rec = (k: string, v: string) => {
        const body = ` ${k}=${v}\n`;
        let len = body.length + 2;
        while (String(len).length + body.length !== len) len = String(len).length + body.length;
        return `${len}${body}`;
      };
      const pax = Buffer.from(rec('path', e.name));
      parts.push(tarHeader({ name: 'PaxHeader', type: 'x' }, pax.length), pax, pad(pax.length));
      e = { ...e, name: e.name.slice(0, 99) };
    }
    const data = e.data === undefined ? Buffer.alloc(0) : Buffer.from(e.data);
    parts.push(tarHeader(e, e.size ?? data.length));
    if (data.length) parts.push(data, pad(data.length));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export const gzip = (b: Buffer): Buffer => zlib.gzipSync(b, { level: 1 });

/** A directory shaped like a Pinot v3 segment, with `size` random bytes of columns. */
export async function makeSegmentDir(parent: string, name: string, size = 2 * MiB): Promise<string> {
  const dir = path.join(parent, name);
  await mkdir(path.join(dir, 'v3'), { recursive: true });
  await writeFile(path.join(dir, 'v3', 'columns.psf'), randomBytes(size));
  await writeFile(path.join(dir, 'v3', 'index_map'), 'col.dictionary.startOffset = 0\ncol.dictionary.size = 100\n');
  await writeFile(path.join(dir, 'v3', 'metadata.properties'), `segment.name = ${name}\nsegment.total.docs = 1000\n`);
  await writeFile(path.join(dir, 'v3', 'creation.meta'), Buffer.from([0, 0, 0, 0, 0x12, 0x34, 0x56, 0x78]));
  return dir;
}

/** `tar czf out -C parent name`, as Pinot's tarballs are laid out (`<segment>/v3/...`). */
export async function tarGz(parent: string, name: string, out: string, compress: string[] = ['-z']): Promise<string> {
  await run('tar', [...compress, '-cf', out, '-C', parent, name]);
  return out;
}

/** Relative path -> sha256 of every file under `root`. */
export async function digestTree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const rel of (await readdir(root, { recursive: true })).sort()) {
    const full = path.join(root, rel);
    if ((await stat(full)).isFile()) out.set(rel, createHash('sha256').update(await readFile(full)).digest('hex'));
  }
  return out;
}

/** A loopback port nothing listens on (a dead replica). */
export async function deadPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function listAll(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true }).catch(() => [] as string[])).sort();
}

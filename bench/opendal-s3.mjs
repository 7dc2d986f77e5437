// The comparison peer: OpenDAL's Node binding doing the same transfers as `deepstore cp`.
//   node opendal-s3.mjs upload|download|upload-tree|download-tree SRC DST
// Settings from env: ENDPOINT, BUCKET, ACCESS_KEY, SECRET_KEY, REGION.
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Operator } from 'opendal';

const [mode, src, dst] = process.argv.slice(2);
const op = new Operator('s3', {
  bucket: process.env.BUCKET,
  endpoint: process.env.ENDPOINT,
  region: process.env.REGION,
  access_key_id: process.env.ACCESS_KEY,
  secret_access_key: process.env.SECRET_KEY,
  enable_virtual_host_style: 'false',
});
const CHUNK = 8 * 1024 * 1024;

async function upload(file, key) {
  // 0.47's Node binding takes a chunk size but no concurrency setting.
  const writer = await op.writer(key, { chunk: BigInt(CHUNK) });
  await pipeline(createReadStream(file, { highWaterMark: CHUNK }), writer.createWriteStream());
}
async function download(key, file) {
  await mkdir(path.dirname(file), { recursive: true });
  const reader = await op.reader(key);
  await pipeline(reader.createReadStream(), createWriteStream(file));
}
async function walk(dir, rel = '') {
  const out = [];
  for (const e of await readdir(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(dir, r)));
    else out.push(r);
  }
  return out;
}
async function pool(items, n, fn) {
  const queue = [...items];
  await Promise.all(Array.from({ length: n }, async () => {
    for (let x = queue.shift(); x !== undefined; x = queue.shift()) await fn(x);
  }));
}

if (mode === 'upload') await upload(src, dst);
else if (mode === 'download') await download(src, dst);
else if (mode === 'upload-tree') await pool(await walk(src), 10, (r) => upload(path.join(src, r), `${dst}/${r}`));
else if (mode === 'download-tree') {
  const keys = (await op.list(`${src}/`, { recursive: true })).map((e) => e.path()).filter((k) => !k.endsWith('/'));
  await pool(keys, 10, (k) => download(k, path.join(dst, k.slice(src.length + 1))));
} else throw new Error(`unknown mode ${mode}`);

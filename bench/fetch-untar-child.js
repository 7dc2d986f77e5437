// Child process for fetch-untar.bench.js: one fetchUntarToLocal (download streamed into the safe
// extraction) of URL into DEST, with the default settings.
import { SegmentFetcherFactory } from '../packages/fetcher/dist/index.js';

const [url, dest] = process.argv.slice(2);
const factory = new SegmentFetcherFactory();
await factory.init({});
try {
  await factory.fetchUntarToLocal(url, dest);
} finally {
  await factory.close();
}

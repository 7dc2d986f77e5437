import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll } from 'vitest';
import { describeConformance } from '@deepstore/conformance';
import { LocalFileSystem } from '@deepstore/fs-local';

const base = mkdtempSync(path.join(os.tmpdir(), 'deepstore-fs-local-'));
const fs = new LocalFileSystem();
await fs.init({});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describeConformance({ name: 'fs-local', fs, baseUri: pathToFileURL(base).href });

import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileSystemRegistry } from '@deepstore/core';
import { joinUri, redactUri, schemeOf, toUrl } from '@deepstore/core';
import { openSegment, type SegmentReader } from '@deepstore/segment';
import { ControllerError, Status } from './errors.js';
import type { SegmentFetcher } from './fetch.js';
import type { FormPart } from './multipart.js';

export type TableType = 'OFFLINE' | 'REALTIME';
export type UploadType = 'SEGMENT' | 'URI' | 'METADATA' | 'JSON';

/** A table the controller knows (the parts of its table config the upload path reads). */
export interface TableSpec {
  /** Raw (`orders`) or with its type (`orders_OFFLINE`). */
  tableName: string;
  tableType: TableType;
  /** segmentsConfig.timeColumnName: a segment without a time interval is then refused (403). */
  timeColumnName?: string;
  /** ingestionConfig.segmentTimeValueCheck (default true): the segment's time interval must lie in 1971..2071. */
  segmentTimeValueCheck?: boolean;
  /** The table config JSON served by GET /tables/{table} (under its type, as the controller answers). */
  config?: Record<string, unknown>;
  /** The schema JSON served by GET /tables/{table}/schema. */
  schema?: Record<string, unknown>;
}

/** What one upload request brought and how it was answered. */
export interface UploadRecord {
  /** 1-based order of arrival. */
  seq: number;
  /** The UPLOAD_TYPE header (SEGMENT when absent, as the controller defaults). */
  uploadType: string;
  /** The tableName query parameter. */
  tableName: string | undefined;
  /** The tableType query parameter (OFFLINE when absent). */
  tableType: string;
  tableNameWithType?: string;
  /** segment.name of the uploaded segment's metadata. */
  segmentName?: string;
  /** The multipart file part's field name and file name (the client's segment name). */
  partName?: string;
  fileName?: string;
  /** Number of multipart parts received (0 for a JSON upload). */
  parts: number;
  /** The DOWNLOAD_URI header. */
  downloadUri?: string;
  /** The COPY_SEGMENT_TO_DEEP_STORE header, parsed. */
  copyToDeepStore?: boolean;
  /** The segment's CRC (creation.meta), as the controller keeps it. */
  crc?: string;
  enableParallelPushProtection: boolean;
  allowRefresh: boolean;
  ifMatch?: string;
  /** Whether an Authorization header came (its value is never kept). */
  authorization: boolean;
  /** Body bytes received. */
  bytes: number;
  status: number;
  /** The success status text or the error message. */
  message: string;
  startedAt: number;
  finishedAt: number;
}

/** A segment the controller holds (its segment ZK metadata, in short). */
export interface StoredSegment {
  tableNameWithType: string;
  segmentName: string;
  crc: string;
  creationTime: number;
  /** download.url: where servers fetch it. */
  downloadUrl: string;
  /** The copy in the controller's data dir, when it made one. */
  location: string | undefined;
  sizeInBytes: number;
  pushTime: number;
  refreshTime: number | undefined;
  /** Refreshes with a different CRC. */
  refreshCount: number;
  /** segmentUploadStartTime: > 0 while a protected upload is under way. */
  uploadStartTime: number;
}

export interface UploadRequest {
  tableName: string | undefined;
  tableType: string | undefined;
  enableParallelPushProtection: boolean;
  allowRefresh: boolean;
  headers: Record<string, string | undefined>;
  /** undefined for a JSON request. */
  parts: FormPart[] | undefined;
  record: UploadRecord;
}

export interface ControllerState {
  tables: Map<string, TableSpec>;
  zk: Map<string, StoredSegment>;
  registry: FileSystemRegistry;
  fetcher: SegmentFetcher;
  dataDir: string;
  vip: string;
  tmpDir: string;
  verifySegments: boolean;
  checkSegmentTableName: boolean;
  segmentUploadTimeoutMs: number;
}

const VALID_MIN_TIME_MILLIS = Date.UTC(1971, 0, 1);
const VALID_MAX_TIME_MILLIS = Date.UTC(2071, 0, 1);
const UNIT_MILLIS: Record<string, number> = {
  NANOSECONDS: 1e-6,
  MICROSECONDS: 1e-3,
  MILLISECONDS: 1,
  SECONDS: 1000,
  MINUTES: 60_000,
  HOURS: 3_600_000,
  DAYS: 86_400_000,
};

/** TableNameBuilder.getTableTypeFromTableName. */
export function tableTypeFromName(name: string): TableType | undefined {
  if (name.endsWith('_OFFLINE')) return 'OFFLINE';
  if (name.endsWith('_REALTIME')) return 'REALTIME';
  return undefined;
}

/** TableNameBuilder.extractRawTableName. */
export function rawTableName(name: string): string {
  return name.replace(/_(OFFLINE|REALTIME)$/, '');
}

function interval(startMs: number, endMs: number): string {
  return `${new Date(startMs).toISOString()}/${new Date(endMs).toISOString()}`;
}

/** SegmentMetadataImpl.setTimeInfo: the interval from segment.start.time/end.time/time.unit, when all parse. */
function timeInterval(reader: SegmentReader): { start: number; end: number } | undefined {
  const md = reader.metadata;
  if (md.startTime === undefined || md.endTime === undefined || md.timeUnit === undefined) return undefined;
  const unit = md.timeUnit.toUpperCase().replace(/SINCEEPOCH$/, '');
  const ms = UNIT_MILLIS[unit];
  if (ms === undefined || !/^-?\d+$/.test(md.startTime) || !/^-?\d+$/.test(md.endTime)) return undefined;
  const start = Number(md.startTime) * ms;
  const end = Number(md.endTime) * ms;
  // Joda's Interval refuses an end before the start; Pinot then logs and keeps no interval.
  return end < start ? undefined : { start: Math.floor(start), end: Math.floor(end) };
}

/** SegmentValidationUtils.validateTimeInterval. */
function validateTimeInterval(reader: SegmentReader, table: TableSpec, tableNameWithType: string): void {
  const name = reader.metadata.name;
  const iv = timeInterval(reader);
  if (iv) {
    if (!(iv.start >= VALID_MIN_TIME_MILLIS && iv.end <= VALID_MAX_TIME_MILLIS)) {
      throw new ControllerError(
        Status.FORBIDDEN,
        `Invalid segment start/end time: ${interval(iv.start, iv.end)} (in millis: ${iv.start}/${iv.end}) for segment: ${name} of table: ${tableNameWithType}, ` +
          `must be between: ${interval(VALID_MIN_TIME_MILLIS, VALID_MAX_TIME_MILLIS)}`,
      );
    }
  } else if (table.timeColumnName) {
    throw new ControllerError(
      Status.FORBIDDEN,
      `Failed to find time interval in segment: ${name} for table: ${tableNameWithType} with time column: ${table.timeColumnName}`,
    );
  }
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

/** PinotSegmentUploadDownloadRestletResource.validateMultiPart: exactly one field, with exactly one part. */
function singleFilePart(parts: FormPart[]): FormPart {
  const names = new Set(parts.map((p) => p.name));
  const first = parts[0];
  if (names.size !== 1 || parts.length !== 1 || !first) {
    throw new ControllerError(Status.BAD_REQUEST, 'Invalid multi-part form for segment metadata');
  }
  return first;
}

/**
 * PinotSegmentUploadDownloadRestletResource.uploadSegment + ZKOperator.completeSegmentOperations
 * for POST /v2/segments, with the controller's checks, statuses and messages. Returns the
 * success message.
 */
export async function uploadSegment(state: ControllerState, req: UploadRequest): Promise<string> {
  const { record } = req;
  // TableType.valueOf(tableType.toUpperCase()), outside the resource's try: an unknown type is a 500.
  const typeParam = (req.tableType ?? 'OFFLINE').toUpperCase();
  if (typeParam !== 'OFFLINE' && typeParam !== 'REALTIME') {
    throw new ControllerError(Status.INTERNAL_SERVER_ERROR, `No enum constant org.apache.pinot.spi.config.table.TableType.${typeParam}`);
  }
  const tableType: TableType = typeParam;
  const tableName = req.tableName;
  if (tableName) {
    const fromName = tableTypeFromName(tableName);
    if (fromName !== undefined && fromName !== tableType) {
      throw new ControllerError(Status.BAD_REQUEST, `Table name: ${tableName} does not match table type: ${tableType}`);
    }
  }
  const uploadTypeStr = req.headers['upload_type'];
  const sourceDownloadUri = req.headers['download_uri'];
  const work = await mkdtemp(path.join(state.tmpDir, 'upload-'));
  const segmentFile = path.join(work, 'segment.tar.gz');
  let reader: SegmentReader | undefined;
  try {
    try {
      let uploadType: UploadType;
      if (uploadTypeStr === undefined) uploadType = 'SEGMENT';
      else if (uploadTypeStr === 'SEGMENT' || uploadTypeStr === 'URI' || uploadTypeStr === 'METADATA' || uploadTypeStr === 'JSON') uploadType = uploadTypeStr;
      else throw new Error(`No enum constant org.apache.pinot.common.utils.FileUploadDownloadClient.FileUploadType.${uploadTypeStr}`);

      // The v2 endpoints always let the controller move the segment to its deep store; METADATA takes the header.
      let copyToFinalLocation = true;
      let segmentSize: number;
      switch (uploadType) {
        case 'SEGMENT': {
          if (!req.parts) throw new ControllerError(Status.BAD_REQUEST, 'Segment file (as multipart/form-data) is required for SEGMENT upload mode');
          const part = singleFilePart(req.parts);
          record.partName = part.name;
          if (part.filename !== undefined) record.fileName = part.filename;
          await rename(part.file, segmentFile);
          segmentSize = part.size;
          break;
        }
        case 'URI': {
          if (!sourceDownloadUri) throw new ControllerError(Status.BAD_REQUEST, "Source download URI is required in header field 'DOWNLOAD_URI' for URI upload mode");
          if (schemeOf(sourceDownloadUri) === 'file') throw new ControllerError(Status.BAD_REQUEST, `Unsupported URI: ${sourceDownloadUri}`);
          try {
            await state.fetcher.fetchToLocal(sourceDownloadUri, segmentFile);
          } catch (err) {
            // The controller's wording (PinotSegmentUploadDownloadRestletResource, URI upload).
            throw new Error(`Failed to download segment from ${redactUri(sourceDownloadUri)}: ${(err as Error).message}`, { cause: err });
          }
          segmentSize = (await stat(segmentFile)).size;
          break;
        }
        case 'METADATA': {
          if (!req.parts) throw new ControllerError(Status.BAD_REQUEST, 'Segment metadata file (as multipart/form-data) is required for METADATA upload mode');
          if (!sourceDownloadUri) throw new ControllerError(Status.BAD_REQUEST, "Source download URI is required in header field 'DOWNLOAD_URI' for METADATA upload mode");
          copyToFinalLocation = req.headers['copy_segment_to_deep_store']?.toLowerCase() === 'true';
          record.copyToDeepStore = copyToFinalLocation;
          const part = singleFilePart(req.parts);
          record.partName = part.name;
          if (part.filename !== undefined) record.fileName = part.filename;
          await rename(part.file, segmentFile);
          segmentSize = await lengthOf(state, sourceDownloadUri);
          break;
        }
        default:
          throw new ControllerError(Status.BAD_REQUEST, `Unsupported upload type: ${uploadType}`);
      }

      // DefaultMetadataExtractor: untar everything, read the metadata (and creation.meta).
      reader = await openSegment(segmentFile);
      const segmentName = reader.metadata.name;
      record.segmentName = segmentName;
      const crc = reader.creationMeta ? String(reader.creationMeta.crc) : String(-(2n ** 63n));
      record.crc = crc;

      const raw = tableName ? rawTableName(tableName) : reader.metadata.tableName;
      if (!raw) throw new Error(`segment ${segmentName} names no table and the request has no tableName`);
      const tableNameWithType = `${raw}_${tableType}`;
      record.tableNameWithType = tableNameWithType;

      const table = state.tables.get(tableNameWithType);
      if (!table) throw new ControllerError(Status.BAD_REQUEST, `Failed to find table: ${tableNameWithType}`);
      if (table.segmentTimeValueCheck ?? true) validateTimeInterval(reader, table, tableNameWithType);

      // Checks of this peer that the controller does not make (its tableName parameter overrides segment.table.name).
      if (state.checkSegmentTableName && reader.metadata.tableName !== undefined && reader.metadata.tableName !== raw) {
        throw new ControllerError(Status.BAD_REQUEST, `Segment: ${segmentName} belongs to table: ${reader.metadata.tableName}, not to table: ${raw}`);
      }
      if (state.verifySegments) await verify(state, reader, uploadType, sourceDownloadUri, work, tableNameWithType);

      let downloadUrl = sourceDownloadUri ?? '';
      let finalLocation: string | undefined;
      if (copyToFinalLocation) {
        finalLocation = joinUri(state.dataDir, raw, segmentName);
        downloadUrl = schemeOf(state.dataDir) === 'file' ? `${state.vip}/segments/${encodeURIComponent(raw)}/${encodeURIComponent(segmentName)}` : finalLocation;
      }
      await completeSegmentOperations(state, req, {
        tableNameWithType,
        segmentName,
        crc,
        creationTime: Number(reader.creationMeta?.creationTime ?? 0n),
        uploadType,
        segmentFile,
        sourceDownloadUri,
        downloadUrl,
        finalLocation,
        segmentSize,
      });
      return `Successfully uploaded segment: ${segmentName} of table: ${tableNameWithType}`;
    } catch (err) {
      if (err instanceof ControllerError) throw err;
      // Any other failure: "Exception while uploading segment: <message>", a 500.
      throw new ControllerError(Status.INTERNAL_SERVER_ERROR, `Exception while uploading segment: ${(err as Error).message}`);
    }
  } finally {
    await reader?.close();
    await rm(work, { recursive: true, force: true });
  }
}

/** PinotFS.length of the DOWNLOAD_URI, -1 when it cannot be had (the controller only logs a warning). */
async function lengthOf(state: ControllerState, uri: string): Promise<number> {
  try {
    const fs = await state.registry.resolve(uri);
    return await fs.length(uri);
  } catch {
    return -1;
  }
}

/**
 * This peer's own check (the controller does not verify CRCs on upload): the segment's files
 * give the CRC its creation.meta records; for a METADATA upload the full segment is fetched
 * from DOWNLOAD_URI and must carry the same CRC as the metadata sent.
 */
async function verify(state: ControllerState, reader: SegmentReader, uploadType: UploadType, sourceDownloadUri: string | undefined, work: string, table: string): Promise<void> {
  const name = reader.metadata.name;
  const refuse = (why: string) => new ControllerError(Status.BAD_REQUEST, `Segment verification failed for segment: ${name} of table: ${table}: ${why}`);
  if (uploadType !== 'METADATA') {
    try {
      await reader.verifyCrc();
    } catch (err) {
      throw refuse((err as Error).message);
    }
    return;
  }
  const full = path.join(work, 'full-segment.tar.gz');
  try {
    await state.fetcher.fetchToLocal(sourceDownloadUri as string, full);
  } catch (err) {
    throw refuse(`cannot fetch the segment from DOWNLOAD_URI ${redactUri(sourceDownloadUri as string)}: ${(err as Error).message}`);
  }
  let seg: SegmentReader | undefined;
  try {
    seg = await openSegment(full);
    await seg.verifyCrc();
    if (seg.metadata.name !== name) throw new Error(`the segment at DOWNLOAD_URI is ${seg.metadata.name}, the metadata sent is of ${name}`);
    const sent = reader.creationMeta?.crc;
    const got = seg.creationMeta?.crc;
    if (sent !== got) throw new Error(`the metadata sent has CRC ${String(sent)}, the segment at DOWNLOAD_URI has CRC ${String(got)}`);
  } catch (err) {
    throw refuse((err as Error).message);
  } finally {
    await seg?.close();
  }
}

interface Completion {
  tableNameWithType: string;
  segmentName: string;
  crc: string;
  creationTime: number;
  uploadType: UploadType;
  segmentFile: string;
  sourceDownloadUri: string | undefined;
  downloadUrl: string;
  finalLocation: string | undefined;
  segmentSize: number;
}

/** ZKOperator.completeSegmentOperations: add a new segment, or refresh an existing one. */
async function completeSegmentOperations(state: ControllerState, req: UploadRequest, c: Completion): Promise<void> {
  const key = `${c.tableNameWithType}/${c.segmentName}`;
  const refreshOnly = req.headers['refresh_only']?.toLowerCase() === 'true';
  const existing = state.zk.get(key);
  const now = Date.now();
  if (!existing) {
    if (refreshOnly) throw new ControllerError(Status.GONE, `Cannot refresh non-existing segment: ${c.segmentName} for table: ${c.tableNameWithType}`);
    // processNewSegment: the ZK metadata is created first (locked when parallel push protection is on), then the copy.
    const created: StoredSegment = {
      tableNameWithType: c.tableNameWithType,
      segmentName: c.segmentName,
      crc: c.crc,
      creationTime: c.creationTime,
      downloadUrl: c.downloadUrl,
      location: c.finalLocation,
      sizeInBytes: c.segmentSize,
      pushTime: now,
      refreshTime: undefined,
      refreshCount: 0,
      uploadStartTime: req.enableParallelPushProtection ? now : -1,
    };
    state.zk.set(key, created);
    try {
      if (c.finalLocation) await copyToDeepStore(state, c, c.finalLocation);
    } catch (err) {
      state.zk.delete(key);
      throw err;
    }
    created.uploadStartTime = -1;
    return;
  }
  if (!req.allowRefresh) {
    throw new ControllerError(Status.CONFLICT, `Segment: ${c.segmentName} already exists in table: ${c.tableNameWithType}. Refresh not permitted.`);
  }
  checkCrc(req.headers['if-match'], c, existing.crc);
  if (req.enableParallelPushProtection) {
    if (existing.uploadStartTime > 0) {
      if (now - existing.uploadStartTime <= state.segmentUploadTimeoutMs) {
        throw new ControllerError(
          Status.CONFLICT,
          `Another segment upload is in progress for segment: ${c.segmentName} of table: ${c.tableNameWithType}, retry later`,
        );
      }
    }
    existing.uploadStartTime = now;
  }
  try {
    if (c.crc === existing.crc) {
      // Same data: only creation time, refresh time and (when it moved) the download URL change.
      existing.creationTime = c.creationTime;
      existing.refreshTime = now;
      if (existing.downloadUrl !== c.downloadUrl) {
        existing.downloadUrl = c.downloadUrl;
        if (c.finalLocation) {
          await copyToDeepStore(state, c, c.finalLocation);
          existing.location = c.finalLocation;
        }
      }
    } else {
      if (c.finalLocation) await copyToDeepStore(state, c, c.finalLocation);
      existing.crc = c.crc;
      existing.creationTime = c.creationTime;
      existing.downloadUrl = c.downloadUrl;
      existing.location = c.finalLocation ?? existing.location;
      existing.sizeInBytes = c.segmentSize;
      existing.refreshTime = now;
      existing.refreshCount++;
    }
  } finally {
    existing.uploadStartTime = -1;
  }
}

/** ZKOperator.checkCRC: the If-Match header, when sent, must equal the existing segment's CRC. */
function checkCrc(ifMatch: string | undefined, c: Completion, existingCrc: string): void {
  if (ifMatch === undefined) return;
  // Long.parseLong: an optional sign and digits, no spaces, within the long range.
  const parsed = /^[+-]?\d+$/.test(ifMatch) ? BigInt(ifMatch) : undefined;
  if (parsed === undefined || parsed < -(2n ** 63n) || parsed >= 2n ** 63n) {
    throw new ControllerError(
      Status.PRECONDITION_FAILED,
      `Caught exception for segment: ${c.segmentName} of table: ${c.tableNameWithType} while parsing IF-MATCH CRC: "${ifMatch}"`,
    );
  }
  const expected = parsed;
  if (expected !== BigInt(existingCrc)) {
    throw new ControllerError(
      Status.PRECONDITION_FAILED,
      `For segment: ${c.segmentName} of table: ${c.tableNameWithType}, expected CRC: ${expected} does not match existing CRC: ${existingCrc}`,
    );
  }
}

/**
 * ZKOperator.copySegmentToDeepStore: a METADATA upload copies the segment from its
 * DOWNLOAD_URI inside the deep store (same scheme required, PinotFS.copy); other uploads copy
 * the received file (copyFromLocalFile).
 */
async function copyToDeepStore(state: ControllerState, c: Completion, finalLocation: string): Promise<void> {
  const fs = await state.registry.resolve(finalLocation);
  if (c.uploadType === 'METADATA') {
    const source = c.sourceDownloadUri as string;
    if (toUrl(source).href === toUrl(finalLocation).href) return;
    if (schemeOf(source) !== schemeOf(finalLocation)) {
      // Preconditions.checkState(sourceDownloadURI.getScheme().equals(finalSegmentLocationURI.getScheme()))
      throw new Error(
        `cannot copy the segment to the deep store: its DOWNLOAD_URI scheme "${schemeOf(source)}" differs from the controller data dir's "${schemeOf(finalLocation)}"`,
      );
    }
    await fs.copy(source, finalLocation, { overwrite: true });
    return;
  }
  await fs.copyFromLocal(c.segmentFile, finalLocation);
}

/** Where a local data dir keeps a segment's copy, for the download endpoint. */
export async function localSegmentFile(state: ControllerState, raw: string, segmentName: string): Promise<string | undefined> {
  if (schemeOf(state.dataDir) !== 'file') return undefined;
  const file = fileURLToPath(joinUri(state.dataDir, raw, segmentName));
  return (await exists(file)) ? file : undefined;
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

import { randomBytes } from 'node:crypto';

/** One sub-request's outcome in a JSON API batch. */
export interface BatchResult {
  name: string;
  status: number;
}

/**
 * Deletes objects through the JSON API's batch endpoint (POST /batch/storage/v1,
 * multipart/mixed), up to 100 deletions per HTTP request, as Pinot's GcsPinotFS batches
 * them. Answers each object's status; the caller retries or reports the failures.
 */
export async function batchDelete(
  endpoint: string,
  bucket: string,
  names: string[],
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<BatchResult[]> {
  const boundary = `deepstore_${randomBytes(12).toString('hex')}`;
  const parts = names.map(
    (name, i) =>
      `--${boundary}\r\nContent-Type: application/http\r\nContent-ID: <${i + 1}>\r\n\r\n` +
      `DELETE /storage/v1/b/${encodeURIComponent(bucket)}/o/${encodeURIComponent(name)} HTTP/1.1\r\n\r\n`,
  );
  const body = `${parts.join('')}--${boundary}--\r\n`;
  const res = await fetch(`${endpoint}/batch/storage/v1`, {
    method: 'POST',
    headers: { ...headers, 'content-type': `multipart/mixed; boundary=${boundary}` },
    body,
    ...(signal ? { signal } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw Object.assign(new Error(`batch request failed with HTTP ${res.status}`), { code: res.status });
  const type = res.headers.get('content-type') ?? '';
  const answerBoundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!answerBoundary) throw Object.assign(new Error('batch answer is not multipart/mixed'), { code: 502 });
  const results: BatchResult[] = names.map((name) => ({ name, status: 0 }));
  const sections = text.split(`--${answerBoundary}`).slice(1);
  for (const section of sections) {
    if (section.startsWith('--')) break;
    const id = /Content-ID:\s*<?response-(\d+)>?/i.exec(section)?.[1] ?? /Content-ID:\s*<?(\d+)>?/i.exec(section)?.[1];
    const status = /HTTP\/1\.1 (\d{3})/.exec(section)?.[1];
    const index = id === undefined ? -1 : Number(id) - 1;
    if (status && index >= 0 && index < results.length) results[index]!.status = Number(status);
  }
  return results;
}

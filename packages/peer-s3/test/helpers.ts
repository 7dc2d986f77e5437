import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import type { S3Peer } from '../src/index.js';

export const MiB = 1024 * 1024;

/** The settings the brief prescribes for the SDK against the peer. */
export function sdkClient(peer: S3Peer, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: peer.endpoint,
    forcePathStyle: true,
    region: peer.region,
    credentials: { accessKeyId: peer.accessKeyId, secretAccessKey: peer.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    ...extra,
  });
}

/** Random bytes (tests keep the buffer to compare against). */
export function bytes(size: number): Buffer {
  return randomBytes(size);
}

export function md5(data: Buffer): Buffer {
  return createHash('md5').update(data).digest();
}

/** Awaits a rejection and returns the SDK error (name = S3 error code). */
export async function sdkError(p: Promise<unknown>): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }
  throw new Error('expected the request to fail, but it succeeded');
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs Debian's awscli v2 (/usr/bin/aws) against the peer. */
export function aws(peer: S3Peer, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      '/usr/bin/aws',
      [...args, '--endpoint-url', peer.endpoint, '--output', 'json'],
      {
        cwd: opts.cwd,
        timeout: 60_000,
        maxBuffer: 64 * MiB,
        env: {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: os.tmpdir(),
          AWS_ACCESS_KEY_ID: peer.accessKeyId,
          AWS_SECRET_ACCESS_KEY: peer.secretAccessKey,
          AWS_DEFAULT_REGION: peer.region,
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_PAGER: '',
          ...opts.env,
        },
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: stdout.toString(), stderr: stderr.toString() });
      },
    );
  });
}

/** Runs awscli and parses its JSON output, failing loudly on a non-zero exit. */
export async function awsJson<T = Record<string, unknown>>(peer: S3Peer, args: string[]): Promise<T> {
  const r = await aws(peer, args);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return (r.stdout.trim() ? JSON.parse(r.stdout) : {}) as T;
}

/** The S3 error code awscli reports, e.g. "NoSuchUpload". */
export function cliErrorCode(r: CliResult): string | undefined {
  return /An error occurred \(([^)]+)\)/.exec(r.stderr)?.[1];
}

export async function tempDir(prefix: string): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

import http from 'node:http';
import https from 'node:https';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3FsConfig } from './config.js';

/**
 * Builds the SDK client. Without static keys the SDK's default chain resolves credentials
 * (env, AWS_PROFILE, SSO, web identity, container, IMDS) and refreshes them before they expire;
 * AWS_REGION and AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL are read by the SDK itself.
 */
export function createS3Client(cfg: S3FsConfig): S3Client {
  const agentOptions = { keepAlive: true, maxSockets: cfg.maxConnections, keepAliveMsecs: 1000 };
  const options: S3ClientConfig = {
    forcePathStyle: cfg.pathStyleAccess,
    maxAttempts: cfg.maxAttempts,
    retryMode: 'standard',
    requestChecksumCalculation: cfg.requestChecksumCalculation,
    responseChecksumValidation: cfg.responseChecksumValidation,
    requestHandler: new NodeHttpHandler({
      connectionTimeout: cfg.connectionTimeout,
      // Socket inactivity: a transfer that stalls this long fails (and is retried as transient).
      // (Not requestTimeout: in this handler that is a whole-request timer that only logs a warning
      // unless throwOnRequestTimeout, and a whole-request limit would cut long uploads anyway.)
      socketTimeout: cfg.socketTimeout,
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
    }),
  };
  const envEndpoint = process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  if (cfg.endpoint) options.endpoint = cfg.endpoint;
  const region = cfg.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (region) options.region = region;
  else if (cfg.endpoint || envEndpoint) options.region = 'us-east-1'; // S3-compatible servers ignore it, SigV4 needs one
  if (cfg.accessKey && cfg.secretKey) {
    options.credentials = { accessKeyId: cfg.accessKey, secretAccessKey: cfg.secretKey, ...(cfg.sessionToken ? { sessionToken: cfg.sessionToken } : {}) };
  }
  return new S3Client(options);
}

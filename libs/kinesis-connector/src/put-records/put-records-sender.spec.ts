import { createHash, createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PutRecordsSender, putRecordsBody } from './put-records-sender.js';
import { KinesisServiceError, errorCodeOf, errorOfAnswer } from './service-error.js';

const REGION = 'eu-west-1';
const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

interface Received {
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  signatureValid: boolean;
}

/**
 * Checks a request's SigV4 signature the way the service does, written here from AWS's description of the
 * algorithm (independently of the signer under test): canonical request from the headers it names, as they
 * arrived, and the body as it arrived.
 */
function verifySignature(request: http.IncomingMessage, body: Buffer, secret: string): boolean {
  const authorization = String(request.headers.authorization ?? '');
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return false;
  const [, , day, region, service, signedHeaders, signature] = match;
  if (region !== REGION || service !== 'kinesis') return false;
  const names = signedHeaders.split(';');
  const canonicalHeaders = names.map((name) => `${name}:${String(request.headers[name] ?? '').trim()}\n`).join('');
  const payloadHash = createHash('sha256').update(body).digest('hex');
  const canonicalRequest = ['POST', request.url ?? '/', '', canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const amzDate = String(request.headers['x-amz-date']);
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), service), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign).digest('hex') === signature && names.includes('host');
}

let server: http.Server;
let endpoint: string;
let answer: (request: http.IncomingMessage, response: http.ServerResponse, body: Buffer) => void;
const received: Received[] = [];
const senders: PutRecordsSender[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: request.headers, body, signatureValid: verifySignature(request, body, KEYS.secretAccessKey) });
      answer(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(() => {
  received.length = 0;
  for (const sender of senders.splice(0)) sender.close();
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const senderTo = (url: string, overrides: { requestTimeoutMs?: number } = {}) => {
  const sender = new PutRecordsSender({
    region: REGION,
    credentials: KEYS,
    endpoint: url,
    agents: { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) },
    connectTimeoutMs: 500,
    requestTimeoutMs: overrides.requestTimeoutMs ?? 2000,
  });
  senders.push(sender);
  return sender;
};
const json = (response: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', ...headers }).end(JSON.stringify(body));

describe('PutRecordsSender', () => {
  it('sends a signed JSON 1.1 PutRecords whose signature verifies over the bytes that arrived', async () => {
    answer = (_request, response) =>
      json(response, 200, { FailedRecordCount: 0, Records: [{ SequenceNumber: '1', ShardId: 'shardId-000000000000' }] });
    const entries = await senderTo(endpoint).putRecords({ StreamName: 'orders' }, [{ data: '{"é":"東京"}', partitionKey: 'profile-"1"' }]);
    expect(entries).toEqual([{ SequenceNumber: '1', ShardId: 'shardId-000000000000' }]);
    const [request] = received;
    expect(request.signatureValid).toBe(true);
    expect(request.headers['x-amz-target']).toBe('Kinesis_20131202.PutRecords');
    expect(request.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(JSON.parse(request.body.toString('utf8'))).toEqual({
      StreamName: 'orders',
      Records: [{ Data: Buffer.from('{"é":"東京"}', 'utf8').toString('base64'), PartitionKey: 'profile-"1"' }],
    });
  });

  it('signs with a session token when the credentials carry one', async () => {
    answer = (_request, response) => json(response, 200, { FailedRecordCount: 0, Records: [] });
    const sender = new PutRecordsSender({
      region: REGION,
      credentials: async () => ({ ...KEYS, sessionToken: 'session-token-1' }),
      endpoint,
      agents: { http: new http.Agent(), https: new https.Agent() },
      connectTimeoutMs: 500,
      requestTimeoutMs: 2000,
    });
    senders.push(sender);
    await sender.putRecords({ StreamName: 'orders' }, [{ data: 'x', partitionKey: 'k' }]);
    expect(received[0].headers['x-amz-security-token']).toBe('session-token-1');
    expect(received[0].signatureValid).toBe(true);
  });

  it('a tampered body no longer verifies (the verifier above can fail)', async () => {
    answer = (_request, response) => json(response, 200, { Records: [] });
    await senderTo(endpoint).putRecords({ StreamName: 'orders' }, [{ data: 'x', partitionKey: 'k' }]);
    const request = { headers: received[0].headers, url: '/' } as http.IncomingMessage;
    expect(verifySignature(request, Buffer.from('{"StreamName":"other"}'), KEYS.secretAccessKey)).toBe(false);
    expect(verifySignature(request, received[0].body, 'wrong-secret')).toBe(false);
    expect(verifySignature(request, received[0].body, KEYS.secretAccessKey)).toBe(true);
  });

  it('returns per-entry failures as the service names them, in request order', async () => {
    answer = (_request, response) =>
      json(response, 200, {
        FailedRecordCount: 1,
        Records: [
          { SequenceNumber: '7', ShardId: 'shardId-000000000001' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' },
        ],
      });
    const entries = await senderTo(endpoint).putRecords({ StreamName: 'orders' }, [
      { data: 'a', partitionKey: 'a' },
      { data: 'b', partitionKey: 'b' },
    ]);
    expect(entries[1]).toEqual({ ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' });
  });

  it('throws the service error the SDK would: code from __type, message, HTTP status', async () => {
    answer = (_request, response) =>
      json(response, 400, { __type: 'com.amazonaws.kinesis.v20131202#ResourceNotFoundException', message: 'Stream orders not found' });
    const error = await senderTo(endpoint)
      .putRecords({ StreamName: 'orders' }, [{ data: 'a', partitionKey: 'a' }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KinesisServiceError);
    expect(error).toMatchObject({
      name: 'ResourceNotFoundException',
      message: 'Stream orders not found',
      $metadata: { httpStatusCode: 400 },
    });
  });

  it('names a socket failure by its code and a silent endpoint as TimeoutError', async () => {
    const refused = await senderTo('http://127.0.0.1:9')
      .putRecords({ StreamName: 'orders' }, [{ data: 'a', partitionKey: 'a' }])
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    answer = () => undefined; // never answers
    const silent = await senderTo(endpoint, { requestTimeoutMs: 150 })
      .putRecords({ StreamName: 'orders' }, [{ data: 'a', partitionKey: 'a' }])
      .catch((caught: unknown) => caught);
    expect(silent).toMatchObject({ name: 'TimeoutError' });
  });
});

describe('error decoding', () => {
  it('finds the code where the SDK does: header first, then code, then __type; cleaned alike', () => {
    expect(errorCodeOf('ThrottlingException:http://internal.amazon.com/', { __type: 'Other' })).toBe('ThrottlingException');
    expect(errorCodeOf(undefined, { code: 'AccessDeniedException' })).toBe('AccessDeniedException');
    expect(errorCodeOf(undefined, { __type: 'com.amazon.coral.service#UnrecognizedClientException' })).toBe('UnrecognizedClientException');
    expect(errorCodeOf(undefined, {})).toBeUndefined();
  });

  it('keeps the status when the answer is not JSON, so the status classifies it', () => {
    const error = errorOfAnswer(502, {}, '<html>Bad gateway</html>');
    expect(error).toMatchObject({ name: 'UnknownError', $metadata: { httpStatusCode: 502 } });
    expect(error.message).toContain('HTTP 502');
    expect(errorOfAnswer(400, {}, '{"__type":"x#ValidationException","Message":"bad"}')).toMatchObject({
      name: 'ValidationException',
      message: 'bad',
    });
  });

  it('writes the body with base64 data and JSON-escaped names', () => {
    expect(JSON.parse(putRecordsBody({ StreamName: 's"1' }, [{ data: '€', partitionKey: 'a\\b' }]))).toEqual({
      StreamName: 's"1',
      Records: [{ Data: Buffer.from('€').toString('base64'), PartitionKey: 'a\\b' }],
    });
  });

  it("names a stream by ARN alone when the set-up gives one (AWS resolves a name in the caller's own account)", () => {
    const StreamARN = 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders';
    expect(JSON.parse(putRecordsBody({ StreamARN }, [{ data: 'x', partitionKey: 'k' }]))).toEqual({
      StreamARN,
      Records: [{ Data: Buffer.from('x').toString('base64'), PartitionKey: 'k' }],
    });
  });
});

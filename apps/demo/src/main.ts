import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHostApp } from '../../connector-host/src/create-host-app.js';
import { readStream } from './stream-reader.js';

// The whole story on the embedded defaults: the host with its kinesalite, a platform that configures a
// Kinesis connector and posts audience changes, and a customer's consumer reading the stream.

const REGION = 'eu-west-1';
const STREAM = 'customer-activation-stream';
// Example credentials in AWS's documented format; the emulator checks their shape, never their value.
const CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'connector-demo-'));
  const emulatorPort = await freePort();
  const { app } = await createHostApp({ DATA_DIR: dataDir, KINESIS_EMULATOR_PORT: String(emulatorPort), LOG_LEVEL: 'warn' });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  // The demo prints what the API answers, and reads the few fields it needs of it.
  const call = async <T = Record<string, unknown>>(method: string, path: string, body?: object): Promise<T> => {
    const response = await fetch(base + path, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = (await response.json()) as T;
    console.log(`${method} ${path} -> ${response.status}`);
    if (!response.ok) throw new Error(JSON.stringify(answer));
    return answer;
  };

  try {
    console.log(`\n== 1. The customer configures a Kinesis connector (host ${base}, embedded kinesalite on 127.0.0.1:${emulatorPort})`);
    const connector = await call<{ id: string }>('POST', '/v1/connectors', {
      type: 'kinesis',
      siteNumber: 1234,
      name: 'Acme data lake',
      partnerNumber: 33,
      settings: { ...CREDENTIALS, region: REGION, streamName: STREAM },
    });
    console.log(JSON.stringify(connector, null, 2));
    console.log(JSON.stringify(await call('POST', `/v1/connectors/${connector.id}/check`), null, 2));

    console.log('\n== 2. ...and attaches it to an audience');
    const audienceId = randomUUID();
    await call('POST', '/v1/bindings', {
      connectorId: connector.id,
      source: { type: 'audience', id: audienceId, number: 123, name: 'Frequent buyers' },
      sourceName: 'Spring campaign',
      profileVariables: [
        { name: 'lastCategory', property: 'last_category' },
        { name: 'city', property: 'city' },
      ],
      properties: { custom: 'variable', another: 123 },
    });

    console.log('\n== 3. The platform posts audience changes');
    const at = Date.now();
    const ann = { profileId: randomUUID(), partnerIds: { '33': ['ann-crm-1'] }, properties: { last_category: 'shoes', city: 'Utrecht' } };
    const bob = {
      profileId: randomUUID(),
      partnerIds: { '33': ['bob-crm-7', 'bob-crm-8'], '42': ['ignored'] },
      properties: { last_category: 'books' },
    };
    const cy = { profileId: randomUUID(), partnerIds: { '42': ['no-slot-33'] }, properties: {} };
    const batches = [
      [event('NEW', ann, at), event('NEW', bob, at), event('NEW', cy, at)],
      [event('MODIFIED', { ...ann, properties: { ...ann.properties, last_category: 'boots' } }, at + 1, ['last_category'])],
      [event('MODIFIED', bob, at + 1, ['email'])],
      [event('REMOVED', ann, at + 2), event('REMOVED', bob, at + 2)],
    ];
    let routed = 0;
    for (const events of batches) {
      const receipt = await call<{ routed: number }>('POST', '/v1/events', { events });
      console.log(`   ${JSON.stringify(receipt)}`);
      routed += receipt.routed;
    }

    console.log(`\n== 4. The customer's consumer reads ${STREAM}`);
    const deadline = Date.now() + 15_000;
    let records = await readStream(`http://127.0.0.1:${emulatorPort}`, REGION, CREDENTIALS, STREAM);
    while (records.length < routed && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      records = await readStream(`http://127.0.0.1:${emulatorPort}`, REGION, CREDENTIALS, STREAM);
    }
    for (const record of records) {
      console.log(`\n${record.shardId}  seq ${record.sequenceNumber}  partition key ${record.partitionKey}`);
      console.log(record.data);
    }
    console.log(`\n${records.length} records read back, ${routed} routed.`);
    if (records.length !== routed) throw new Error(`expected ${routed} records on the stream, read ${records.length}`);

    function event(callType: string, profile: object, timestamp: number, changedProperties?: string[]) {
      return { siteNumber: 1234, sourceId: audienceId, callType, timestamp, profile, ...(changedProperties && { changedProperties }) };
    }
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});

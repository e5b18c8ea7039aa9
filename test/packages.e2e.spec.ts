import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { generateSigningSecret } from '@event-connectors/webhook-connector';
import { WebhookReceiver } from '@event-connectors/webhook-connector/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The libraries as a platform installs them: packed with `npm pack`, installed from the tarballs into a scratch
// project outside this repository (its peers from the registry, served from npm's cache when it holds them),
// type-checked against their declarations, and run: a Nest app that loads both connector modules and delivers.

const run = promisify(execFile);
const ROOT = resolve('.');
/** Every workspace under libs/: a new connector's library is packed and installed with the others. */
const PACKAGES = readdirSync(join(ROOT, 'libs')).filter((name) => existsSync(join(ROOT, 'libs', name, 'package.json')));
const root = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
let scratch: string;
let tarballs: { name: string; filename: string; files: { path: string }[] }[];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'platform-'));
  const packs = join(scratch, 'packs');
  mkdirSync(packs);
  const workspaces = PACKAGES.flatMap((name) => ['--workspace', `libs/${name}`]);
  const { stdout } = await run('npm', ['pack', ...workspaces, '--pack-destination', packs, '--json', '--silent'], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  tarballs = JSON.parse(stdout);
  const project = join(scratch, 'project');
  mkdirSync(project);
  const dependencies = Object.fromEntries(tarballs.map((pack) => [pack.name, `file:${join(packs, pack.filename)}`]));
  // The peers a platform brings itself, at the versions this repository runs with.
  for (const peer of ['@nestjs/common', '@nestjs/core', 'class-transformer', 'class-validator', 'reflect-metadata', 'rxjs'])
    dependencies[peer] = root.dependencies[peer];
  dependencies['@types/node'] = root.devDependencies['@types/node'];
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'platform', private: true, type: 'module', dependencies }, null, 2));
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel', 'error'], {
    cwd: project,
    timeout: 240_000,
  });
}, 300_000);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the libraries as packages', () => {
  it('pack their built code and declarations only: no sources, tests, maps or build state', () => {
    expect(tarballs.map((pack) => pack.name).sort()).toEqual(PACKAGES.map((name) => `@event-connectors/${name}`));
    for (const pack of tarballs) {
      const paths = pack.files.map((file) => file.path);
      expect(paths).toContain('package.json');
      expect(paths).toContain('dist/index.js');
      expect(paths).toContain('dist/index.d.ts');
      expect(paths.filter((path) => /(^src\/|\.spec\.|\.map$|tsbuildinfo)/.test(path))).toEqual([]);
    }
  });

  it('keep Nest and the SDK as peers: the scratch project holds one copy of each', async () => {
    const { stdout } = await run('npm', ['ls', '@nestjs/core', '@event-connectors/connector-sdk', '--all', '--parseable'], {
      cwd: join(scratch, 'project'),
    });
    const copies = stdout.split('\n').filter(Boolean);
    expect(copies.filter((path) => path.endsWith('@nestjs/core'))).toHaveLength(1);
    expect(copies.filter((path) => path.endsWith('connector-sdk'))).toHaveLength(1);
  });

  it('type-check in a TypeScript project against their declarations', async () => {
    const project = join(scratch, 'project');
    writeFileSync(
      join(project, 'typed.ts'),
      `import { ConnectorSdkModule, type EventConnector, secretFieldsOf } from '@event-connectors/connector-sdk';
import { KinesisConnectorModule, KinesisSettings } from '@event-connectors/kinesis-connector';
import { WebhookConnectorModule, type WebhookConnectorOptions } from '@event-connectors/webhook-connector';
const options: WebhookConnectorOptions = { allowedNetworks: ['10.0.0.0/8'] };
const modules = [ConnectorSdkModule, KinesisConnectorModule.forRoot({ endpoint: 'http://127.0.0.1:4567' }), WebhookConnectorModule.forRoot(options)];
const secrets: string[] = secretFieldsOf(KinesisSettings);
export const described = { modules, secrets, kind: null as EventConnector | null };
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
          target: 'ES2023',
          strict: true,
          noEmit: true,
          experimentalDecorators: true,
          types: ['node'],
        },
        files: ['typed.ts'],
      }),
    );
    const { stdout } = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', project]).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    expect(stdout).toBe('');
  });

  it('boot in a Nest app of the platform, which delivers through the registry', async () => {
    const secret = generateSigningSecret();
    const receiver = await WebhookReceiver.start(secret);
    try {
      const project = join(scratch, 'project');
      writeFileSync(
        join(project, 'platform.mjs'),
        `import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConnectorRegistry, ConnectorSdkModule, secretFieldsOf, validateSettings } from '@event-connectors/connector-sdk';
import { KinesisConnectorModule } from '@event-connectors/kinesis-connector';
import { WebhookConnectorModule } from '@event-connectors/webhook-connector';
const [url, signingSecret] = process.argv.slice(2);
const imports = [ConnectorSdkModule, KinesisConnectorModule.forRoot({}), WebhookConnectorModule.forRoot({ blockPrivateNetworks: false, allowHttpToLoopback: true })];
class Platform {}
Module({ imports })(Platform);
const app = await NestFactory.createApplicationContext(Platform, { logger: false });
const registry = app.get(ConnectorRegistry);
const webhook = registry.get('webhook');
const validation = validateSettings(webhook, { url, signingSecret });
const instance = webhook.open({ id: '9b2f0c3e-1d4a-4e5b-8c6d-7e8f9a0b1c2d', settings: validation.settings });
const outcomes = await instance.deliver([{ id: '1', partitionKey: 'p', body: JSON.stringify({ profileId: 'p', from: 'the platform' }) }]);
await instance.close();
await app.close();
console.log(JSON.stringify({ types: registry.types(), secrets: secretFieldsOf(webhook.settingsClass), outcomes }));
`,
      );
      const { stdout } = await run(process.execPath, ['platform.mjs', receiver.url, secret], { cwd: project });
      expect(JSON.parse(stdout)).toEqual({
        types: ['kinesis', 'webhook'],
        secrets: ['signingSecret', 'previousSigningSecret', 'headers'],
        outcomes: [{ status: 'delivered', receipt: { webhookId: 'msg_9b2f0c3e1d4a4e5b8c6d7e8f9a0b1c2d_1', status: '204' } }],
      });
      expect(receiver.unique().map((webhook) => webhook.body)).toEqual([JSON.stringify({ profileId: 'p', from: 'the platform' })]);
    } finally {
      await receiver.stop();
    }
  });
});

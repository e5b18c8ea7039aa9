import { Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';
import type { ConnectorInstance, EventConnector } from '../event-connector.js';
import { ConnectorSdkModule } from './connector-sdk.module.js';
import { Connector } from './connector.decorator.js';
import { ConnectorRegistry } from './connector.registry.js';
import { SettingsField } from '../settings/settings-field.decorator.js';

class NoSettings {}

class TokenSettings {
  @SettingsField({ title: 'Token', description: 'A secret.', secret: true })
  token!: string;

  @SettingsField({ title: 'Region', description: 'Not a secret.' })
  region!: string;
}

function connectorClass(type: string, settingsClass: new () => object = NoSettings) {
  @Connector()
  @Injectable()
  class TestConnector implements EventConnector {
    readonly type = type;
    readonly displayName = `Test ${type}`;
    readonly settingsClass = settingsClass;
    open(): ConnectorInstance {
      throw new Error('not used');
    }
  }
  return TestConnector;
}

async function boot(...connectors: ReturnType<typeof connectorClass>[]) {
  const modules = connectors.map((provider) => {
    @Module({ providers: [provider] })
    class PluginModule {}
    return PluginModule;
  });
  const moduleRef = await Test.createTestingModule({ imports: [ConnectorSdkModule, ...modules] }).compile();
  await moduleRef.init();
  return moduleRef.get(ConnectorRegistry);
}

describe('ConnectorRegistry', () => {
  it('finds decorated connectors in the loaded modules', async () => {
    const registry = await boot(connectorClass('kinesis'), connectorClass('webhook'));
    expect(registry.types()).toEqual(['kinesis', 'webhook']);
    expect(registry.get('webhook')?.displayName).toBe('Test webhook');
    expect(registry.get('nope')).toBeUndefined();
  });

  it("knows every loaded connector's secret field names, for a host to keep out of its logs", async () => {
    const registry = await boot(connectorClass('kinesis'), connectorClass('webhook', TokenSettings));
    expect([...registry.secretFieldNames()]).toEqual(['token']);
  });

  it('refuses two modules with the same type id at boot', async () => {
    await expect(boot(connectorClass('kinesis'), connectorClass('kinesis'))).rejects.toThrow(
      /Two connector modules declare the type id "kinesis"/,
    );
  });

  it('refuses a type id that is not kebab-case', async () => {
    await expect(boot(connectorClass('My Connector'))).rejects.toThrow(/must be kebab-case/);
  });

  it('ignores providers that are not marked as connectors', async () => {
    @Injectable()
    class Unmarked {}
    @Module({ providers: [Unmarked] })
    class Other {}
    const moduleRef = await Test.createTestingModule({ imports: [ConnectorSdkModule, Other] }).compile();
    await moduleRef.init();
    expect(moduleRef.get(ConnectorRegistry).types()).toEqual([]);
  });
});

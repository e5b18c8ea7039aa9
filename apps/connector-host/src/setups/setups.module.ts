import { Module } from '@nestjs/common';
import { ConnectorSdkModule } from '@event-connectors/connector-sdk';
import { StoreModule } from '../store/store.module.js';
import { BindingsService } from './bindings.service.js';
import { ConnectorChanges } from './connector-changes.js';
import { ConnectorInstancesService } from './connector-instances.service.js';
import { ConnectorSetupsService } from './connector-setups.service.js';
import { ConnectorTypesService } from './connector-types.service.js';
import { SECRET_BOX, secretBoxProvider } from './secret-box.provider.js';
import { SecretRotationService } from './secret-rotation.service.js';
import { SetupSettings } from './setup-settings.js';
import { SiteClaims } from './site-claims.js';
import { SiteIssuedService } from './site-issued.service.js';
import { TenantIdentities } from './tenant-identities.js';

const SERVICES = [
  TenantIdentities,
  SetupSettings,
  SiteClaims,
  SiteIssuedService,
  ConnectorChanges,
  ConnectorInstancesService,
  ConnectorSetupsService,
  ConnectorTypesService,
  BindingsService,
  SecretRotationService,
];

/** Connector set-ups and their bindings: validated, secrets sealed, checked against their destinations, opened for delivery. */
@Module({
  imports: [StoreModule, ConnectorSdkModule],
  providers: [secretBoxProvider, ...SERVICES],
  exports: [...SERVICES, SECRET_BOX],
})
export class SetupsModule {}

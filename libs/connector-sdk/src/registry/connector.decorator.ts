import { DiscoveryService } from '@nestjs/core';

/**
 * Marks a provider as an `EventConnector` for the registry to find at boot.
 * The class must also be listed in its module's `providers`.
 */
export const Connector = DiscoveryService.createDecorator<void>();

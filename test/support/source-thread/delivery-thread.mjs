// Delivery's thread for in-process test hosts, from the TypeScript sources (see typescript-hooks.mjs).
import './typescript-hooks.mjs';

await import('../../../apps/connector-host/src/placement/thread/delivery-thread.entry.ts');

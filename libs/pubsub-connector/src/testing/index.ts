export { EmulatorSubscription, type PulledMessage } from './emulator-subscription.js';
export { EMULATOR_BINARY, PubSubEmulator } from './pubsub-emulator.js';

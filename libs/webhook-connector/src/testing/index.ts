export { type ReceivedWebhook, type ReceiverAnswer, WebhookReceiver } from './webhook-receiver.js';

// Pub/Sub's quotas (https://cloud.google.com/pubsub/quotas#resource_limits), in decimal megabytes where Google's
// "10 MB" could be read either way: the smaller reading is the one that never fails.

/** Messages in one Publish request; also the most a `deliver()` call takes. */
export const MAX_MESSAGES_PER_REQUEST = 1000;
/** Bytes of one Publish request (messages, attributes, ordering keys, the topic's name); also the most a call takes. */
export const MAX_REQUEST_BYTES = 10_000_000;
/** An attribute's value; a longer `sourceId` or `callType` is left out rather than cut (a cut id names nothing). */
export const MAX_ATTRIBUTE_VALUE_BYTES = 1024;
/** Room a message needs beside its body and key: two attributes, the topic's name and the request's framing. */
const ENVELOPE_BYTES = 4096;
/** The largest message (body and key) that fits one Publish request with its attributes. */
export const MAX_MESSAGE_BYTES = MAX_REQUEST_BYTES - ENVELOPE_BYTES;

export * from './in-process-kinesalite.js';
export * from './kinesis-local-process.js';
export * from './loopback-sts.js';
export * from './recording-kinesis-proxy.js';

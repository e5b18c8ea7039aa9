export * from './in-process-kinesalite.js';
export * from './kinesis-local-process.js';

export * from './in-process-kinesalite.js';

import 'reflect-metadata';
import { SDK_VERSION } from '@app/connector-sdk';
console.log('hello', SDK_VERSION);

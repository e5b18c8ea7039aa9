import http from 'node:http';
import https from 'node:https';

/** The keep-alive connections of one set-up, shared by its SDK client and its PutRecords path. */
export interface KinesisAgents {
  http: http.Agent;
  https: https.Agent;
}

export function createKinesisAgents(): KinesisAgents {
  const agentOptions = { keepAlive: true, maxSockets: 16 };
  return { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
}

import { KinesisClient } from '@aws-sdk/client-kinesis';

type EndpointProvider = KinesisClient['config']['endpointProvider'];
let provider: EndpointProvider | undefined;

/**
 * Where PutRecords goes for a region (and a stream ARN, which the SDK sends to its account's data endpoint), by the
 * SDK's own endpoint rules: every partition's DNS suffix (China's amazonaws.com.cn, the ISO regions') comes from
 * AWS's published partitions, never from a suffix written here. The rules are taken once from a client's config.
 */
export function putRecordsEndpoint(region: string, streamArn?: string): string {
  if (!provider) {
    const client = new KinesisClient({ region });
    provider = client.config.endpointProvider;
    client.destroy();
  }
  const regional = { Region: region, UseFIPS: false, UseDualStack: false };
  if (streamArn === undefined) return provider(regional).url.href;
  try {
    return provider({ ...regional, StreamARN: streamArn, OperationType: 'data' }).url.href;
  } catch {
    // An ARN the rules refuse (another partition than the region's): the region's endpoint answers with the error.
    return provider(regional).url.href;
  }
}

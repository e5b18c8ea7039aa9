const STREAM_ARN = /^arn:(aws(?:-[a-z]+)*):kinesis:([a-z]{2,4}(?:-[a-z]+){1,3}-\d{1,2}):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/;

/** The parts of a Kinesis stream ARN. */
export interface StreamArn {
  partition: string;
  region: string;
  account: string;
  streamName: string;
}

export function parseStreamArn(arn: string): StreamArn | undefined {
  const match = STREAM_ARN.exec(arn);
  if (!match) return undefined;
  const [, partition, region, account, streamName] = match;
  return { partition, region, account, streamName };
}

/**
 * Which stream a set-up writes to, and how calls name it. A set-up named by ARN passes `StreamARN` on every call,
 * as AWS recommends, and that is what lets it reach a stream of another account (a name resolves in the caller's
 * own account); a set-up named by name passes `StreamName`.
 */
export interface StreamTarget {
  /** For people: the name, from the ARN when the set-up gives one. */
  streamName: string;
  streamArn?: string;
  /** The stream's account, when its ARN says. */
  account?: string;
  /** What a Kinesis call takes to name the stream. */
  params: { StreamName: string } | { StreamARN: string };
}

export function streamTargetOf(settings: { streamName?: string; streamArn?: string }): StreamTarget {
  if (settings.streamArn) {
    const arn = parseStreamArn(settings.streamArn);
    if (!arn) throw new Error('streamArn is not a Kinesis stream ARN (the settings were not validated)');
    return { streamName: arn.streamName, streamArn: settings.streamArn, account: arn.account, params: { StreamARN: settings.streamArn } };
  }
  if (!settings.streamName) throw new Error('neither streamName nor streamArn is set (the settings were not validated)');
  return { streamName: settings.streamName, params: { StreamName: settings.streamName } };
}

import type { StreamDescriptionSummary } from '@aws-sdk/client-kinesis';
import type { CheckContext, CheckProblem, CheckResult } from '@event-connectors/connector-sdk';
import type { AssumedRoleCredentials } from './credentials/assumed-role-credentials.js';
import { warnings } from './kinesis.problems.js';
import type { KinesisSettings } from './kinesis.settings.js';
import type { StreamTarget } from './stream-target.js';

/** What check() reports of a stream it could describe: where it is, how it is set up, who writes to it. */
export function checkDetails(
  summary: StreamDescriptionSummary,
  settings: KinesisSettings,
  target: StreamTarget,
  maxRecordBytes: number,
  role: AssumedRoleCredentials | undefined,
): CheckResult['details'] {
  const encryption = summary.EncryptionType ?? 'NONE';
  return {
    streamArn: summary.StreamARN ?? '',
    account: summary.StreamARN?.split(':')[4] ?? target.account ?? '',
    streamStatus: summary.StreamStatus ?? 'UNKNOWN',
    streamMode: summary.StreamModeDetails?.StreamMode ?? 'PROVISIONED',
    shardCount: summary.OpenShardCount ?? 0,
    maxRecordSizeKiB: maxRecordBytes / 1024,
    encryption,
    ...(encryption === 'KMS' && { kmsKeyId: summary.KeyId ?? '' }),
    ...(summary.RecordDistributionStrategy && { recordDistribution: summary.RecordDistributionStrategy }),
    ...(summary.WarmThroughput?.TargetMiBps !== undefined && { warmThroughputMiBps: summary.WarmThroughput.TargetMiBps }),
    region: summary.StreamARN?.split(':')[3] ?? settings.region,
    credentialMode: settings.credentialMode ?? 'accessKeys',
    ...(role?.assumedRoleArn && { assumedRole: role.assumedRoleArn }),
  };
}

/**
 * Where the set-up works but will hurt the consumer: check() passes and says so. The stream's description says
 * how it routes; what the host saw of the set-up's traffic (its `context`) says what its messages need.
 */
export function checkWarnings(summary: StreamDescriptionSummary, maxRecordBytes: number, context?: CheckContext): CheckProblem[] {
  const found: CheckProblem[] = [];
  const largest = context?.largestRecentMessageBytes ?? 0;
  if (largest > maxRecordBytes) found.push(warnings.recordSizeBelowRecentMessages(maxRecordBytes / 1024, largest));
  // A write the stream's key refused pauses the set-up (the error table's KMSAccessDeniedException row).
  const kmsDenied = context?.pausedReason?.startsWith('KMSAccessDeniedException') ?? false;
  if (kmsDenied) found.push(warnings.kmsAccessDenied(summary.KeyId ?? ''));
  const strategy = summary.RecordDistributionStrategy;
  if (strategy !== undefined && strategy !== 'USER_PARTITION_KEY') found.push(warnings.orderNotKept(strategy));
  return found;
}

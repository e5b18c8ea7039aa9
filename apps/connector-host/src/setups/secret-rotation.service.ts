import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { ConflictError, ForbiddenError } from '../common/domain-errors.js';
import { HOST_CONFIG, type HostConfig } from '../config/host.config.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { ConnectorsRepository } from '../store/repositories/connectors.repository.js';
import { DatabaseService } from '../store/database.service.js';
import type { RotationResult } from './rotation-result.js';
import { SECRET_BOX } from './secret-box.provider.js';

/** Re-seals every connector's secrets that are under an older key, in one transaction. */
export async function resealAll(connectors: ConnectorsRepository, box: SecretBox): Promise<RotationResult> {
  const { resealed, total } = await connectors.resealAll((sealed, id) => (box.isStale(sealed) ? box.seal(box.open(sealed, id), id) : null));
  return { resealed, total, keyId: box.keyId };
}

/** Where a host on the embedded SQLite file says it runs (its pid), so a rotation from outside can tell. */
export function hostPidFile(dataDir: string): string {
  return join(dataDir, 'connector-host.pid');
}

/**
 * Refuses a rotation that would leave a running host unable to open the secrets: on PostgreSQL, a live instance
 * (other than `self`) that does not hold `keyId`; on SQLite, a host running on the file while the rotation runs
 * from outside it (it holds only the key it started with). Restart the hosts with the new key first
 * (SECRETS_KEY=new, SECRETS_PREVIOUS_KEYS=old), then rotate.
 */
export async function refuseIfHostsLackKey(
  database: DatabaseService,
  keyId: string,
  context: { self?: string; dataDir: string; leaseTtlMs: number },
): Promise<void> {
  if (database.engine === 'postgres') {
    const { rows } = await sql<{ id: string; key_ids: string }>`
      SELECT id, key_ids FROM instances WHERE heartbeat_at > clock_timestamp() - make_interval(secs => ${context.leaseTtlMs / 1000})`.execute(
      database.db,
    );
    const lacking = rows.filter((row) => row.id !== context.self && !row.key_ids.split(',').includes(keyId)).map((row) => row.id);
    if (lacking.length > 0)
      throw new ConflictError(
        `Instances ${lacking.join(', ')} do not hold key ${keyId}: re-sealing under it would leave them unable to open the secrets. Restart them with SECRETS_KEY set to the new key and the old one in SECRETS_PREVIOUS_KEYS, then rotate`,
      );
    return;
  }
  if (context.self !== undefined) return;
  const pidFile = hostPidFile(context.dataDir);
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : NaN;
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
    throw new ConflictError(
      `A host (pid ${pid}) is running on ${context.dataDir}: it holds only the key it started with. Stop it first, or rotate through its POST /v1/admin/rotate-secrets`,
    );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** After SECRETS_KEY changed (the old key in SECRETS_PREVIOUS_KEYS): every stored secret under the new key. */
@Injectable()
export class SecretRotationService {
  constructor(
    private readonly connectors: ConnectorsRepository,
    private readonly database: DatabaseService,
    @Inject(SECRET_BOX) private readonly secretBox: SecretBox,
    @Inject(HOST_CONFIG) private readonly config: HostConfig,
  ) {}

  /** `site`: a site-limited caller, refused: a rotation concerns every site. */
  async rotate(site?: number): Promise<RotationResult> {
    if (site !== undefined) throw new ForbiddenError('Key rotation concerns every site: it needs an admin token not limited to one site');
    await refuseIfHostsLackKey(this.database, this.secretBox.keyId, {
      self: this.config.cluster.instanceId,
      dataDir: this.config.dataDir,
      leaseTtlMs: this.config.cluster.leaseTtlMs,
    });
    return resealAll(this.connectors, this.secretBox);
  }
}

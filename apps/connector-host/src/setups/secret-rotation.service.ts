import { Inject, Injectable } from '@nestjs/common';
import { ForbiddenError } from '../common/domain-errors.js';
import type { SecretBox } from '../secrets/secret-box.js';
import { ConnectorsRepository } from '../store/connectors.repository.js';
import { SECRET_BOX } from './secret-box.provider.js';

export interface RotationResult {
  resealed: number;
  total: number;
  keyId: string;
}

/** Re-seals every connector's secrets that are under an older key, in one transaction. */
export async function resealAll(connectors: ConnectorsRepository, box: SecretBox): Promise<RotationResult> {
  const { resealed, total } = await connectors.resealAll((sealed, id) => (box.isStale(sealed) ? box.seal(box.open(sealed, id), id) : null));
  return { resealed, total, keyId: box.keyId };
}

/** After SECRETS_KEY changed (the old key in SECRETS_PREVIOUS_KEYS): every stored secret under the new key. */
@Injectable()
export class SecretRotationService {
  constructor(
    private readonly connectors: ConnectorsRepository,
    @Inject(SECRET_BOX) private readonly secretBox: SecretBox,
  ) {}

  /** `site`: a site-limited caller, refused: a rotation concerns every site. */
  async rotate(site?: number): Promise<RotationResult> {
    if (site !== undefined) throw new ForbiddenError('Key rotation concerns every site: it needs an admin token not limited to one site');
    return resealAll(this.connectors, this.secretBox);
  }
}

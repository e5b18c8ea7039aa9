import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';

/** How long the host's own account, once known, is taken as known (it changes only with its credentials). */
const KNOWN_FOR_MS = 10 * 60_000;

/**
 * The AWS account the host itself runs as (sts:GetCallerIdentity), so a set-up can be refused a role of that very
 * account: the host's own roles are not a customer's to name. Unknown (undefined) while STS cannot say.
 */
export class HostAccount {
  private known?: { account: string; until: number };

  async of(sts: STSClient): Promise<string | undefined> {
    if (this.known && Date.now() < this.known.until) return this.known.account;
    try {
      const { Account } = await sts.send(new GetCallerIdentityCommand({}));
      if (Account) this.known = { account: Account, until: Date.now() + KNOWN_FOR_MS };
      return Account;
    } catch {
      return undefined;
    }
  }
}

/**
 * Why the host could not assume a set-up's role, named for the error table (kinesis.errors.ts): the STS error
 * wrapped under a name of its own, so a refused role is never mistaken for Kinesis refusing a key.
 */
export type AssumeRoleFailureName =
  /** STS refused: the role's trust policy does not name this service's identity, or the external id differs. */
  | 'AssumeRoleDenied'
  /** STS said the external id is what differs (it rarely says so). */
  | 'ExternalIdMismatch'
  /** The host's own credentials (the ones it assumes roles with) are expired. */
  | 'CredentialsExpired'
  /** STS is not enabled in the set-up's region. */
  | 'StsRegionDisabled'
  /** The host has no credentials of its own to call STS with (the SDK's chain found none). */
  | 'HostCredentialsMissing'
  /**
   * The role can be assumed without the external ID: its trust policy does not require it, so any customer of this
   * service could have it assume the role (the confused deputy). The host refuses to use it until it does.
   */
  | 'TrustPolicyWithoutExternalId'
  /** The tenant's assumes were refused too often lately: none is made for a while (assume-failure-limiter.ts). */
  | 'AssumeRoleRateLimited';

export class AssumeRoleFailure extends Error {
  constructor(
    override readonly name: AssumeRoleFailureName,
    /** The code STS answered with. */
    readonly stsCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** The failure an STS error means, or undefined for errors that are not about the role (network, throttling). */
export function assumeRoleFailureOf(stsCode: string, message: string): AssumeRoleFailure | undefined {
  switch (stsCode) {
    case 'AccessDenied':
    case 'AccessDeniedException':
      return new AssumeRoleFailure(/external\s*id/i.test(message) ? 'ExternalIdMismatch' : 'AssumeRoleDenied', stsCode, message);
    case 'ExpiredToken':
    case 'ExpiredTokenException':
      return new AssumeRoleFailure('CredentialsExpired', stsCode, message);
    case 'RegionDisabledException':
      return new AssumeRoleFailure('StsRegionDisabled', stsCode, message);
    case 'CredentialsProviderError':
      return new AssumeRoleFailure('HostCredentialsMissing', stsCode, message);
    default:
      return undefined;
  }
}

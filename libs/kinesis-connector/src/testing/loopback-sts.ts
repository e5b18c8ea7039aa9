import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Temporary credentials this STS issued, and until when. */
export interface IssuedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiresAt: number;
  roleArn: string;
  roleSessionName: string;
}

/** One AssumeRole this STS answered. */
export interface AssumeRoleCall {
  roleArn: string;
  externalId?: string;
  roleSessionName: string;
  /** The access key id the caller (the host) signed with. */
  callerAccessKeyId?: string;
  granted: boolean;
}

/**
 * STS's AssumeRole on loopback, for tests: no npm or Debian package emulates STS, so this is the one hand-written
 * AWS peer of the test suites. It speaks the protocol the SDK's STS client speaks (awsQuery: a form-encoded POST,
 * an XML answer), grants the roles it was given when the external id matches, and refuses everything else as real
 * STS does (403 AccessDenied, the same message whatever the cause). Credentials last `lifetimeSeconds`, so a test
 * can watch them expire and be renewed. Signatures are not verified (kinesalite does not verify them either);
 * `calls` records who called, and `issued` what was handed out, for the test to check what signed what.
 */
export class LoopbackSts {
  readonly calls: AssumeRoleCall[] = [];
  readonly issued: IssuedCredentials[] = [];
  /** role ARN -> the external ids its trust policy accepts (null: a policy without the condition). */
  private readonly roles = new Map<string, readonly string[] | null>();
  /** The account the host's own identity belongs to, as GetCallerIdentity answers it. */
  readonly hostAccount = '111122223333';
  /** Errors to answer the next AssumeRole calls with, in order, instead of deciding (STS's rarer answers). */
  private readonly failures: { status: number; code: string; message: string }[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly endpoint: string,
    /** How long issued credentials last; changeable between calls. */
    public lifetimeSeconds: number,
  ) {}

  static async start(options: { lifetimeSeconds?: number } = {}): Promise<LoopbackSts> {
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const sts = new LoopbackSts(server, `http://127.0.0.1:${port}`, options.lifetimeSeconds ?? 3600);
    server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => sts.handle(request, response));
    return sts;
  }

  /**
   * Lets `roleArn` be assumed with `externalId` (its trust policy, as far as this STS knows one; several: a policy
   * whose condition lists them all); `null`: a trust policy without the sts:ExternalId condition, which grants
   * whatever external id is given, or none.
   */
  allowRole(roleArn: string, externalId: string | readonly string[] | null): void {
    // IAM role names are case-insensitive: `role/Writer` and `role/writer` are one role.
    this.roles.set(roleArn.toLowerCase(), typeof externalId === 'string' ? [externalId] : externalId);
  }

  /** Answers the next AssumeRole with this error, as STS words it (e.g. 403 RegionDisabledException). */
  failNext(status: number, code: string, message: string): void {
    this.failures.push({ status, code, message });
  }

  /** Whether `accessKeyId` is one this STS issued and `sessionToken` is its token, unexpired at `at`. */
  isValid(accessKeyId: string, sessionToken: string | undefined, at = Date.now()): boolean {
    return this.issued.some(
      (issued) => issued.accessKeyId === accessKeyId && issued.sessionToken === sessionToken && at < issued.expiresAt,
    );
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const answer = this.answer(form, request.headers.authorization);
      response.writeHead(answer.status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
      response.end(answer.body);
    });
  }

  private answer(form: URLSearchParams, authorization: string | undefined): { status: number; body: string } {
    if (form.get('Action') === 'GetCallerIdentity') return this.callerIdentity();
    if (form.get('Action') !== 'AssumeRole') return error(400, 'InvalidAction', `Could not find operation ${form.get('Action')}`);
    const roleArn = form.get('RoleArn') ?? '';
    const roleSessionName = form.get('RoleSessionName') ?? '';
    const externalId = form.get('ExternalId') ?? undefined;
    const callerAccessKeyId = /Credential=([^/]+)\//.exec(authorization ?? '')?.[1];
    const expected = this.roles.get(roleArn.toLowerCase());
    const granted = expected === null || (expected !== undefined && externalId !== undefined && expected.includes(externalId));
    this.calls.push({ roleArn, externalId, roleSessionName, callerAccessKeyId, granted });
    if (!callerAccessKeyId) return error(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    const failure = this.failures.shift();
    if (failure) return error(failure.status, failure.code, failure.message);
    if (!granted) {
      return error(
        403,
        'AccessDenied',
        `User: arn:aws:iam::111122223333:user/connector-host is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    const issued: IssuedCredentials = {
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: randomBytes(48).toString('base64'),
      expiresAt: Date.now() + this.lifetimeSeconds * 1000,
      roleArn,
      roleSessionName,
    };
    this.issued.push(issued);
    const [, , , , account, resource] = roleArn.split(':');
    const roleName = resource.split('/').pop();
    return {
      status: 200,
      body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <Credentials>
      <AccessKeyId>${issued.accessKeyId}</AccessKeyId>
      <SecretAccessKey>${issued.secretAccessKey}</SecretAccessKey>
      <SessionToken>${issued.sessionToken}</SessionToken>
      <Expiration>${new Date(issued.expiresAt).toISOString()}</Expiration>
    </Credentials>
    <AssumedRoleUser>
      <AssumedRoleId>AROA${randomBytes(8).toString('hex').toUpperCase()}:${roleSessionName}</AssumedRoleId>
      <Arn>arn:aws:sts::${account}:assumed-role/${roleName}/${roleSessionName}</Arn>
    </AssumedRoleUser>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</AssumeRoleResponse>`,
    };
  }

  private callerIdentity(): { status: number; body: string } {
    return {
      status: 200,
      body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::${this.hostAccount}:user/connector-host</Arn>
    <UserId>AIDA${randomBytes(8).toString('hex').toUpperCase()}</UserId>
    <Account>${this.hostAccount}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`,
    };
  }
}

function error(status: number, code: string, message: string): { status: number; body: string } {
  return {
    status,
    body: `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}

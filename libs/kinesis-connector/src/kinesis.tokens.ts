/** Injection token of the resolved `KinesisDeploymentConfig` (the endpoint may come from the embedded emulator). */
export const KINESIS_DEPLOYMENT_CONFIG = Symbol('KINESIS_DEPLOYMENT_CONFIG');

/** The name of the rate limiter on admin routes (ThrottlerModule in host.module.ts); its headers carry it as a suffix. */
export const ADMIN_THROTTLER = 'admin';

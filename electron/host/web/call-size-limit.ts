/**
 * The largest call either transport accepts, so a call that is valid over HTTP is valid over the
 * WebSocket too. The biggest valid call is `tenants.import`: up to 10,000,000 characters of content
 * (api.ts). As JSON that is 10 MB of ASCII plus escaped quotes and backslashes, some multi-byte names
 * and the envelope; 16 MiB leaves that headroom.
 */
export const MAX_CALL_BYTES = 16 * 1024 * 1024;

// The `default-gateway` package ships no types; this is the one function we call.
declare module 'default-gateway' {
  /** The default IPv4 route's gateway (it runs `ip route` on Linux, `netstat`/`route` elsewhere). */
  export function gateway4async(): Promise<{ gateway: string; version: number; int: string | null }>;
}

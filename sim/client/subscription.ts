// Subscription expressions (remoting/protocol/filter/FilterAPI#buildSubscriptionData):
// "*" or "" = every message; otherwise tags split on "||", trimmed. The broker
// filters by the tags' Java String.hashCode, the client re-checks the strings.

/** null = subscribe to all. */
export function parseSubscription(expr: string): string[] | null {
  const e = expr.trim();
  if (e === "" || e === "*") return null;
  return e.split("||").map((t) => t.trim()).filter((t) => t.length > 0);
}

/** java.lang.String#hashCode with 32-bit overflow. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

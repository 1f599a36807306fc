// Replaces a shop's secret values by ••• in any text shown to the user or saved (compose output, logs).
export const MASK = '•••'

export function secretMasker(secrets: Record<string, string> | readonly string[]): (text: string) => string {
  // Longest first, so a secret that contains another is masked whole; very short values would mask noise.
  // A multi-line secret (a PEM key) is printed line by line by whatever logs it: each of its lines is masked too.
  const whole = Array.isArray(secrets) ? [...secrets] : Object.values(secrets)
  const values = [...new Set(whole.flatMap((v) => (v.includes('\n') ? [v, ...v.split('\n')] : [v])))]
    .filter((v) => v.length >= 6)
    .sort((a, b) => b.length - a.length)
  if (values.length === 0) return (text) => text
  return (text) => values.reduce((out, value) => out.split(value).join(MASK), text)
}

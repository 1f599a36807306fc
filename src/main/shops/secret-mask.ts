// Replaces a shop's secret values by ••• in any text shown to the user or saved (compose output, logs).
export const MASK = '•••'

export function secretMasker(secrets: Record<string, string> | readonly string[]): (text: string) => string {
  // Longest first, so a secret that contains another is masked whole; very short values would mask noise.
  const values = (Array.isArray(secrets) ? [...secrets] : Object.values(secrets)).filter((v) => v.length >= 6).sort((a, b) => b.length - a.length)
  if (values.length === 0) return (text) => text
  return (text) => values.reduce((out, value) => out.split(value).join(MASK), text)
}

// An ed25519 key pair in OpenSSH format. ssh2's generator makes about one pair in 256 that its own parser (and so
// this app's login) rejects: it strips leading zero bytes off the 32-byte public key (mscdex/ssh2 #1390, #1513,
// open as of ssh2 1.17). Such a pair is thrown away and another made.
import ssh2 from 'ssh2'

export interface KeyPair {
  /** `ssh-ed25519 AAAA… comment` */
  public: string
  /** `-----BEGIN OPENSSH PRIVATE KEY-----…` */
  private: string
}

const ATTEMPTS = 16

export function generateEd25519(comment: string): KeyPair {
  for (let attempt = 1; ; attempt++) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment })
    const usable = !(ssh2.utils.parseKey(pair.public) instanceof Error) && !(ssh2.utils.parseKey(pair.private) instanceof Error)
    if (usable) return { public: pair.public, private: pair.private }
    // 16 malformed pairs in a row happen once in 2^128 tries: something else is wrong.
    if (attempt >= ATTEMPTS) throw new Error('ssh2 made no usable ed25519 key pair in 16 tries')
  }
}

// What test/testbed/testbed.sh brings up (its testbed.json), as vitest's globalSetup provides it to tests.
export interface TestbedInfo {
  /** State directory of the test bed. */
  dir: string
  /** Path of the test bed's Docker Engine socket (group `docker`, reachable by the SSH user). */
  dockerSocket: string
  /** The same as a DOCKER_HOST value: `unix://…`. */
  dockerHost: string
  /**
   * A static busybox image (sh, httpd, wget, nc, …) by its name in the private registry
   * (`198.18.0.1:5443/shopmgr/busybox:test`); it is on that engine already, so using it needs no pull.
   */
  image: string
  /** An image with this machine's node at /usr/local/bin/node (as in node:22-bookworm-slim), tagged `<major>-testbed`. */
  gateNodeImage: string
  /**
   * The database images in the private registry (test/testbed/pg-image.sh): this machine's PostgreSQL 15 with the
   * static busybox (`image`), and the pg-shop app's own repository: tag `1.0` is the same image, `brokenTag` the same
   * without its health endpoint.
   */
  pg: { image: string; appRepository: string; brokenTag: string }
  /**
   * Two registries (Debian's docker-registry, the CNCF distribution 2.8) on 198.18.0.1, a veth address of the test
   * bed's own, both over TLS with certificates from a throw-away CA that the engine trusts (certs.d). Not on
   * loopback: the engine counts loopback registries as insecure, skips checking their certificates and, after an
   * HTTPS refusal, retries over plain HTTP and reports that attempt's error instead of its own words.
   */
  registry: {
    /** CA certificate (PEM file) that signed both registries' certificates. */
    caFile: string
    /** Basic auth (htpasswd) for every request, pulls and tag lists alike. */
    private: {
      /** `198.18.0.1:5443`, as an image reference names it. */
      host: string
      username: string
      password: string
      /** `shopmgr/busybox`: `test` (the same image as `image`), `tags`, and `unhealthyTag`. */
      repository: string
      /** Each its own image made from `test`, oldest first (`1.0`, `1.1`, `2.0`), so the last is the newest. */
      tags: string[]
      /** An image without httpd: a container starts, but the busybox templates' health check fails. */
      unhealthyTag: string
    }
    /** Anonymous pulls and tag lists, like a public registry; its repository holds only `test`. */
    public: { host: string; repository: string }
  }
  ssh: {
    host: string
    port: number
    /** A non-root login in the `docker` group. */
    user: string
    /** `SHA256:<base64 without padding>`, as `ssh-keygen -lf` prints it. */
    hostKeyFingerprint: string
    /** The host key's `.pub` line: `ssh-ed25519 AAAA… comment`. */
    hostKeyPublic: string
    /** Private key files, all authorized for `user`. */
    keys: { ed25519: string; rsa: string; ed25519Passphrase: string }
    /** Passphrase of `keys.ed25519Passphrase`. */
    passphrase: string
    /** A directory writable by `user`, to serve as a host's shop base directory. */
    baseDir: string
    /** A login (same keys) whose PATH has neither docker nor compose: a host without compose. */
    bareUser: string
    /** A login (same keys) for which sshd forbids stream-local forwarding. */
    noForwardingUser: string
    /** A login whose only key file is its own ~/.ssh/authorized_keys (empty at first; tests write it). */
    teamUser: string
  }
  keyring: {
    /** Private session bus on which an unlocked gnome-keyring serves org.freedesktop.secrets. */
    dbusAddress: string
    home: string
    xdgRuntimeDir: string
  }
  chromium: string
  startedBy: { pid: number; at: string }
}

declare module 'vitest' {
  export interface ProvidedContext {
    testbed: TestbedInfo
  }
}

/**
 * Points libsecret (keytar) in this worker at the test bed's keyring. Call before keytar is first used:
 * it reads the bus address when it connects. HOME stays as it is; the keyring daemon has its own.
 */
export function useKeyringEnv(info: TestbedInfo): void {
  process.env.DBUS_SESSION_BUS_ADDRESS = info.keyring.dbusAddress
}

export function parseTestbedInfo(json: string, source: string): TestbedInfo {
  let value: unknown
  try {
    value = JSON.parse(json)
  } catch (error) {
    throw new Error(`${source} is not valid JSON: ${(error as Error).message}`, { cause: error })
  }
  const info = value as Partial<TestbedInfo> | null
  if (
    !info ||
    typeof info.dockerSocket !== 'string' ||
    typeof info.ssh?.port !== 'number' ||
    typeof info.keyring?.dbusAddress !== 'string' ||
    typeof info.registry?.caFile !== 'string'
  ) {
    throw new Error(`${source} lacks dockerSocket, ssh.port, keyring.dbusAddress or registry.caFile`)
  }
  return info as TestbedInfo
}
